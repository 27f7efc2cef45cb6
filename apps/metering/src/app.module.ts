import { Module } from '@nestjs/common';
import { MessagingModule } from '@cppo/messaging';
import { MeteringCall, PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { MeteringEnv } from './config/metering.env';
import { ReportingModule } from './reporting/reporting.module';
import { UsageModule } from './usage/usage.module';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'metering', env: MeteringEnv }),
    PersistenceModule,
    MessagingModule.forRoot({ service: 'metering', outboxModels: [MeteringCall.name] }),
    UsageModule,
    ReportingModule,
  ],
})
export class AppModule {}
