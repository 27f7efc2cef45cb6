import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageEnvelope } from '@cppo/contracts';
import { MessageConsumer } from '@cppo/messaging';
import { WEBHOOK_SUBSCRIPTIONS } from './event-types';
import { FanoutService } from './fanout.service';

/** Queue `webhooks.events`: every bus event that has a webhook type, fanned out to the org's endpoints. */
@MessageConsumer()
export class WebhookEventsConsumer {
  constructor(private readonly fanout: FanoutService) {}

  @EventPattern(WEBHOOK_SUBSCRIPTIONS)
  async event(@Payload() envelope: MessageEnvelope): Promise<void> {
    await this.fanout.event(envelope);
  }
}
