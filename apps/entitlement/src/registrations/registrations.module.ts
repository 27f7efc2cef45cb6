import { Module } from '@nestjs/common';
import { MeteringGateway, OrgAwsAccess } from '@cppo/marketplace';
import { EntitlementsModule } from '../entitlements/entitlements.module';
import { RegistrationService } from './registration.service';
import { RegistrationsController } from './registrations.controller';

/** Buyers' registrations: a token AWS gave the buyer, resolved and tied to the ISV's tenant. */
@Module({
  imports: [EntitlementsModule],
  controllers: [RegistrationsController],
  providers: [OrgAwsAccess, MeteringGateway, RegistrationService],
})
export class RegistrationsModule {}
