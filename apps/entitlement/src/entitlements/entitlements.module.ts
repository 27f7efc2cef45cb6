import { Module } from '@nestjs/common';
import { AgreementGateway, MeteringGateway, OrgAwsAccess } from '@cppo/marketplace';
import { ReconciliationController } from '../reconciliation/reconciliation.controller';
import { RegistrationsController } from '../registrations/registrations.controller';
import { AgreementEnrichment } from './agreement-enrichment';
import { EntitlementEventsConsumer } from './entitlement-events.consumer';
import { EntitlementLedger } from './entitlement.ledger';
import { EntitlementService } from './entitlement.service';
import { EntitlementSweeper } from './entitlement.sweeper';
import { EntitlementsController } from './entitlements.controller';

@Module({
  controllers: [
    EntitlementsController,
    RegistrationsController,
    ReconciliationController,
    EntitlementEventsConsumer,
  ],
  providers: [
    OrgAwsAccess,
    AgreementGateway,
    MeteringGateway,
    AgreementEnrichment,
    EntitlementLedger,
    EntitlementService,
    EntitlementSweeper,
  ],
})
export class EntitlementsModule {}
