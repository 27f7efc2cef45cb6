import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { QuarantineController } from './quarantine.controller';
import { QuarantineService } from './quarantine.service';
import { SnsConfirmationsController } from './sns-confirmations.controller';

/** Notifications held back with their reason, listed and replayed; SNS confirmations listed for a person. */
@Module({
  imports: [IngestModule],
  controllers: [QuarantineController, SnsConfirmationsController],
  providers: [QuarantineService],
})
export class QuarantineModule {}
