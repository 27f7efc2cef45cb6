import { runService } from '@cppo/platform';
import { AppModule } from './app.module';
import { ENTITLEMENT_SUBSCRIPTIONS } from './entitlements/entitlement-events.consumer';
import { REGISTRATION_SUBSCRIPTIONS } from './registrations/registration-events.consumer';

void runService({
  name: 'entitlement',
  description: 'CPPO entitlements from buyer agreements, linked to offers and opportunities',
  module: AppModule,
  // One queue (a service's handlers serve every consumer it connects): agreement facts, and its own
  // entitlement events for the registrations waiting for them.
  consumers: [
    { purpose: 'events', subscriptions: [...ENTITLEMENT_SUBSCRIPTIONS, ...REGISTRATION_SUBSCRIPTIONS] },
  ],
});
