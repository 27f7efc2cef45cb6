import { runService } from '@cppo/platform';
import { AppModule } from './app.module';

void runService({
  name: 'entitlement',
  description: 'CPPO entitlements from buyer agreements, linked to offers and opportunities',
  module: AppModule,
});
