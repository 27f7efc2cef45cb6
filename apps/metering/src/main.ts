import { runService } from '@cppo/platform';
import { AppModule } from './app.module';

void runService({
  name: 'metering',
  description: 'Usage intake, hourly overage ledger and BatchMeterUsage reporting',
  module: AppModule,
});
