import { runService } from '@cppo/platform';
import { AppModule } from './app.module';

void runService({
  name: 'finance',
  description: "AWS's seller data feeds (SDDS) imported and every CPPO deal's money reconciled",
  module: AppModule,
});
