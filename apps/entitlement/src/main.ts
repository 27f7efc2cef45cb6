import { runService } from '@cppo/platform';
import { AppModule } from './app.module';
import { ENTITLEMENT_SUBSCRIPTIONS } from './entitlements/entitlement-events.consumer';

void runService({
  name: 'entitlement',
  description: 'CPPO entitlements from buyer agreements, linked to offers and opportunities',
  module: AppModule,
  consumers: [{ purpose: 'events', subscriptions: ENTITLEMENT_SUBSCRIPTIONS }],
});
