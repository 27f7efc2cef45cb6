import { Module } from '@nestjs/common';
import { CatalogGateway, MeteringGateway, OrgAwsAccess } from '@cppo/marketplace';
import { MeteringReports } from './reporting/metering-reports.service';
import { MeteringLedger } from './reporting/metering.ledger';
import { MeteringReporter } from './reporting/metering.reporter';
import { ReportsController } from './reporting/reports.controller';
import { UsageIntakeService } from './usage/usage-intake.service';
import { UsageReport } from './usage/usage-report.service';
import { UsageConsumer } from './usage/usage.consumer';
import { UsageController } from './usage/usage.controller';

@Module({
  controllers: [UsageController, ReportsController, UsageConsumer],
  providers: [
    OrgAwsAccess,
    CatalogGateway,
    MeteringGateway,
    UsageIntakeService,
    MeteringLedger,
    MeteringReporter,
    MeteringReports,
    UsageReport,
  ],
})
export class MeteringModule {}
