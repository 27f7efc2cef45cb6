import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { MeteringReports } from './reporting/metering-reports.service';
import { MeteringLedger } from './reporting/metering.ledger';
import { MeteringReporter } from './reporting/metering.reporter';
import { ReportsController } from './reporting/reports.controller';
import { UsageIntakeService } from './usage/usage-intake.service';
import { UsageReport } from './usage/usage-report.service';
import { UsageConsumer } from './usage/usage.consumer';
import { UsageController } from './usage/usage.controller';

@Module({
  imports: [MarketplaceModule],
  controllers: [UsageController, ReportsController, UsageConsumer],
  providers: [UsageIntakeService, MeteringLedger, MeteringReporter, MeteringReports, UsageReport],
})
export class MeteringModule {}
