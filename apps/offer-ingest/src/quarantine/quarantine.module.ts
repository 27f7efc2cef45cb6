import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { QuarantineController } from './quarantine.controller';
import { QuarantineService } from './quarantine.service';

/** Notifications held back with their reason, listed and replayed. */
@Module({
  imports: [IngestModule],
  controllers: [QuarantineController],
  providers: [QuarantineService],
})
export class QuarantineModule {}
