import { Module } from '@nestjs/common';
import { CatalogGateway, MeteringGateway, OrgAwsAccess } from '@cppo/marketplace';
import { MeteringLedger } from './reporting/metering.ledger';
import { MeteringReporter } from './reporting/metering.reporter';
import { ReportsController } from './reporting/reports.controller';
import { UsageIntakeService } from './usage/usage-intake.service';
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
  ],
})
export class MeteringModule {}
