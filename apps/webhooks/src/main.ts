import { runService } from '@cppo/platform';
import { AppModule } from './app.module';
import { WEBHOOK_SUBSCRIPTIONS } from './delivery/event-types';

void runService({
  name: 'webhooks',
  description: "Signed webhooks (Standard Webhooks v1) of the hub's events to the ISV's own endpoints",
  module: AppModule,
  consumers: [{ purpose: 'events', subscriptions: WEBHOOK_SUBSCRIPTIONS }],
});
