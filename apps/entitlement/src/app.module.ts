import { Module } from '@nestjs/common';
import { MessagingModule } from '@cppo/messaging';
import { BuyerRegistration, Entitlement, PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { EntitlementEnv } from './config/entitlement.env';
import { EntitlementsModule } from './entitlements/entitlements.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { RegistrationsModule } from './registrations/registrations.module';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'entitlement', env: EntitlementEnv }),
    PersistenceModule,
    MessagingModule.forRoot({
      service: 'entitlement',
      outboxModels: [Entitlement.name, BuyerRegistration.name],
    }),
    EntitlementsModule,
    RegistrationsModule,
    ReconciliationModule,
  ],
})
export class AppModule {}
