import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { MessagingModule } from '@cppo/messaging';
import { FinanceException, PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { FinanceController } from './api/finance.controller';
import { FinanceEnv } from './config/finance.env';
import { ImportSchedule } from './imports/import.schedule';
import { ImportService } from './imports/import.service';
import { ReconcileService } from './reconciliation/reconcile.service';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'finance', env: FinanceEnv }),
    PersistenceModule,
    MessagingModule.forRoot({ service: 'finance', outboxModels: [FinanceException.name] }),
    MarketplaceModule,
  ],
  controllers: [FinanceController],
  providers: [ImportService, ImportSchedule, ReconcileService],
})
export class AppModule {}
