import { Module } from '@nestjs/common';
import { CatalogGateway, OrgAwsAccess } from '@cppo/marketplace';
import { OfferLinksConsumer } from '../linking/offer-links.consumer';
import { QuarantineController } from '../quarantine/quarantine.controller';
import { IngestService } from './ingest.service';
import { OfferLinker } from './offer-linker';
import { SqsIngestConsumer } from './sqs-ingest.consumer';

@Module({
  controllers: [QuarantineController, OfferLinksConsumer],
  providers: [OrgAwsAccess, CatalogGateway, IngestService, OfferLinker, SqsIngestConsumer],
  exports: [IngestService],
})
export class IngestModule {}
