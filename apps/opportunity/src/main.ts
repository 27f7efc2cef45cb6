import { runService } from '@cppo/platform';
import { AppModule } from './app.module';

void runService({
  name: 'opportunity',
  description:
    'CPPO resell opportunities (CPPO_OUT offers) published to AWS Marketplace as resale authorizations',
  module: AppModule,
});
