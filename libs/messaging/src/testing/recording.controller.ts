import { MessageConsumer } from '../rpc-error.filter';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RoutingKeys, type MessageEnvelope, type OfferLinkedV1 } from '@cppo/contracts';
import type { AmqpContext } from '../amqp.server';

export interface Delivery {
  envelope: MessageEnvelope<OfferLinkedV1>;
  attempt: number;
  redelivered: boolean;
  at: number;
}

/** A consumer for tests: records each delivery and behaves as `behaviour` says. */
@MessageConsumer()
export class RecordingController {
  static deliveries: Delivery[] = [];
  static behaviour: (delivery: Delivery) => Promise<void> = async () => undefined;

  @EventPattern(RoutingKeys.OfferLinked)
  async onLinked(
    @Payload() envelope: MessageEnvelope<OfferLinkedV1>,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    const delivery = {
      envelope,
      attempt: context.attempt,
      redelivered: context.message.fields.redelivered,
      at: Date.now(),
    };
    RecordingController.deliveries.push(delivery);
    await RecordingController.behaviour(delivery);
  }
}
