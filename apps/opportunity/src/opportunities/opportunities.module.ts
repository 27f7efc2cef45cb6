import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { ChangeSetsModule } from '../change-sets/change-sets.module';
import { HistoryModule } from '../history/history.module';
import { CreateOpportunity } from './create-opportunity.service';
import { OpportunitiesController } from './opportunities.controller';
import { OpportunityQueries } from './opportunity.queries';
import { RestrictOpportunity } from './restrict-opportunity.service';

/** The ISV's resell opportunities: created, cloned, restricted, listed, and their deal chain. */
@Module({
  imports: [MarketplaceModule, HistoryModule, ChangeSetsModule],
  controllers: [OpportunitiesController],
  providers: [OpportunityQueries, CreateOpportunity, RestrictOpportunity],
})
export class OpportunitiesModule {}
