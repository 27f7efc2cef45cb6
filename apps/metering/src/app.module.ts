import { Module } from '@nestjs/common';
import { MessagingModule } from '@cppo/messaging';
import { MeteringCall, PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { MeteringEnv } from './config/metering.env';
import { MeteringModule } from './metering.module';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'metering', env: MeteringEnv }),
    PersistenceModule,
    MessagingModule.forRoot({ service: 'metering', outboxModels: [MeteringCall.name] }),
    MeteringModule,
  ],
})
export class AppModule {}
