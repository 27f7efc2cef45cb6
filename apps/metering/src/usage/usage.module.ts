import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { UsageIntakeService } from './usage-intake.service';
import { UsageReport } from './usage-report.service';
import { UsageConsumer } from './usage.consumer';
import { UsageController } from './usage.controller';

/** Usage in (HTTP and messages), exactly once per idempotency key; an entitlement's hours read back. */
@Module({
  imports: [MarketplaceModule],
  controllers: [UsageController, UsageConsumer],
  providers: [UsageIntakeService, UsageReport],
})
export class UsageModule {}
