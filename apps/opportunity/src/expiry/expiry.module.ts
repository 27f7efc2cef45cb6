import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { ChangeSetsModule } from '../change-sets/change-sets.module';
import { ExpiryJob } from './expiry.job';

/** Active opportunities past their expiry date, or restricted in AWS, end; the others are reconciled. */
@Module({
  imports: [MarketplaceModule, ChangeSetsModule],
  providers: [ExpiryJob],
})
export class ExpiryModule {}
