import { Module } from '@nestjs/common';
import { MessagingModule } from '@cppo/messaging';
import { MarketplaceEventRecord, Offer, PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { OfferIngestEnv } from './config/offer-ingest.env';
import { SqsHealthIndicator } from './health/sqs.health';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'offer-ingest', env: OfferIngestEnv, readiness: [SqsHealthIndicator] }),
    PersistenceModule,
    MessagingModule.forRoot({
      service: 'offer-ingest',
      outboxModels: [MarketplaceEventRecord.name, Offer.name],
    }),
  ],
})
export class AppModule {}
