import { Module } from '@nestjs/common';
import { MessagingModule } from '@cppo/messaging';
import { Entitlement, PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { EntitlementEnv } from './config/entitlement.env';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'entitlement', env: EntitlementEnv }),
    PersistenceModule,
    MessagingModule.forRoot({ service: 'entitlement', outboxModels: [Entitlement.name] }),
  ],
})
export class AppModule {}
