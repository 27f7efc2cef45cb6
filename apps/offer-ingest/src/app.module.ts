import { Module } from '@nestjs/common';
import { OfferType } from '@cppo/contracts';
import { MessagingModule } from '@cppo/messaging';
import { MarketplaceEventRecord, Offer, PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { OfferIngestEnv } from './config/offer-ingest.env';
import { SqsHealthIndicator } from './health/sqs.health';
import { IngestModule } from './ingest/ingest.module';
import { LinkingModule } from './linking/linking.module';
import { QuarantineModule } from './quarantine/quarantine.module';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'offer-ingest', env: OfferIngestEnv, readiness: [SqsHealthIndicator] }),
    PersistenceModule,
    MessagingModule.forRoot({
      service: 'offer-ingest',
      // offers is shared with the opportunity service: this relay only touches the CPPO documents it writes.
      outboxModels: [MarketplaceEventRecord.name, { model: Offer.name, scope: { type: OfferType.CPPO } }],
    }),
    IngestModule,
    LinkingModule,
    QuarantineModule,
  ],
})
export class AppModule {}
