import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { EntitlementsModule } from '../entitlements/entitlements.module';
import { LandingController } from './landing.controller';
import { LandingService } from './landing.service';
import { RegistrationEventsConsumer } from './registration-events.consumer';
import { RegistrationService } from './registration.service';
import { RegistrationsController } from './registrations.controller';

/**
 * Buyers' registrations: a token AWS gave the buyer, resolved and tied to the ISV's tenant — handed over by
 * the ISV's page (POST /v1/registrations) or landed here from AWS's POST and redeemed.
 */
@Module({
  imports: [MarketplaceModule, EntitlementsModule],
  controllers: [RegistrationsController, LandingController, RegistrationEventsConsumer],
  providers: [RegistrationService, LandingService],
})
export class RegistrationsModule {}
