import { runService } from '@cppo/platform';
import { AppModule } from './app.module';
import { METERING_SUBSCRIPTIONS } from './usage/usage.consumer';

void runService({
  name: 'metering',
  description: 'Usage intake, hourly overage ledger and BatchMeterUsage reporting',
  module: AppModule,
  consumers: [{ purpose: 'usage', subscriptions: METERING_SUBSCRIPTIONS }],
});
