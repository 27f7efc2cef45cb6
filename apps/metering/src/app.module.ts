import { Module } from '@nestjs/common';
import { MessagingModule } from '@cppo/messaging';
import { MeteringReport, PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { MeteringEnv } from './config/metering.env';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'metering', env: MeteringEnv }),
    PersistenceModule,
    MessagingModule.forRoot({ service: 'metering', outboxModels: [MeteringReport.name] }),
  ],
})
export class AppModule {}
