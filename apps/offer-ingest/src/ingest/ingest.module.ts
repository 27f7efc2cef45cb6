import { Module } from '@nestjs/common';
import { LinkingModule } from '../linking/linking.module';
import { IngestService } from './ingest.service';
import { SqsIngestConsumer } from './sqs-ingest.consumer';

/** AWS Marketplace notifications from SQS: stored once, mapped to the org, published as events. */
@Module({
  imports: [LinkingModule],
  providers: [IngestService, SqsIngestConsumer],
  exports: [IngestService],
})
export class IngestModule {}
