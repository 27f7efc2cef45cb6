import { runService } from '@cppo/platform';
import { AppModule } from './app.module';
import { OPPORTUNITY_SUBSCRIPTIONS } from './change-sets/change-set-events.consumer';

void runService({
  name: 'opportunity',
  description:
    'CPPO resell opportunities (CPPO_OUT offers) published to AWS Marketplace as resale authorizations',
  module: AppModule,
  consumers: [{ purpose: 'events', subscriptions: OPPORTUNITY_SUBSCRIPTIONS }],
});
