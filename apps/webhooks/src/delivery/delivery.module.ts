import { Module } from '@nestjs/common';
import { DeliveryService } from './delivery.service';
import { EndpointDirectory } from './endpoint-directory';
import { FanoutService } from './fanout.service';
import { WebhookEventsConsumer } from './webhook-events.consumer';

/** Bus events → stored messages → signed attempts, with retries. */
@Module({
  controllers: [WebhookEventsConsumer],
  providers: [DeliveryService, EndpointDirectory, FanoutService],
  exports: [DeliveryService, EndpointDirectory, FanoutService],
})
export class DeliveryModule {}
