import { Module } from '@nestjs/common';
import { MessagingModule } from '@cppo/messaging';
import { PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { WebhooksEnv } from './config/webhooks.env';
import { DeliveryModule } from './delivery/delivery.module';
import { EndpointsModule } from './endpoints/endpoints.module';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'webhooks', env: WebhooksEnv }),
    PersistenceModule,
    MessagingModule.forRoot({ service: 'webhooks', outboxModels: [] }),
    DeliveryModule,
    EndpointsModule,
  ],
})
export class AppModule {}
