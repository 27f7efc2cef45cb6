import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { AgreementEnrichment } from './agreement-enrichment';
import { LicenceReader } from './licence-reader';
import { EntitlementEventsConsumer } from './entitlement-events.consumer';
import { EntitlementLookup } from './entitlement-lookup.service';
import { EntitlementLedger } from './entitlement.ledger';
import { EntitlementService } from './entitlement.service';
import { EntitlementSweeper } from './entitlement.sweeper';
import { EntitlementsController } from './entitlements.controller';

/** Buyers' agreements become entitlements (events, sweeps, the Agreement API) and are read back. */
@Module({
  imports: [MarketplaceModule],
  controllers: [EntitlementsController, EntitlementEventsConsumer],
  providers: [
    AgreementEnrichment,
    LicenceReader,
    EntitlementLedger,
    EntitlementService,
    EntitlementSweeper,
    EntitlementLookup,
  ],
  // what other features may use: reading entitlements
  exports: [EntitlementLookup],
})
export class EntitlementsModule {}
