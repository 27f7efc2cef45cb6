import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { ChangeSetsModule } from '../change-sets/change-sets.module';
import { HistoryModule } from '../history/history.module';
import { ExpiryJob } from './expiry.job';

/**
 * Active opportunities past their expiry date, or restricted in AWS, end; those expiring soon get their notices;
 * the others are reconciled.
 */
@Module({
  imports: [MarketplaceModule, ChangeSetsModule, HistoryModule],
  providers: [ExpiryJob],
})
export class ExpiryModule {}
