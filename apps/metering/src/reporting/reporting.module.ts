import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { MeteringReports } from './metering-reports.service';
import { MeteringLedger } from './metering.ledger';
import { MeteringReporter } from './metering.reporter';
import { ReportsController } from './reports.controller';

/** The ledger of hourly reports, sent to AWS exactly once, and shown to people. */
@Module({
  imports: [MarketplaceModule],
  controllers: [ReportsController],
  providers: [MeteringLedger, MeteringReporter, MeteringReports],
})
export class ReportingModule {}
