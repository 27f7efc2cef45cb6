import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { EntitlementsModule } from '../entitlements/entitlements.module';
import { RegistrationService } from './registration.service';
import { RegistrationsController } from './registrations.controller';

/** Buyers' registrations: a token AWS gave the buyer, resolved and tied to the ISV's tenant. */
@Module({
  imports: [MarketplaceModule, EntitlementsModule],
  controllers: [RegistrationsController],
  providers: [RegistrationService],
})
export class RegistrationsModule {}
