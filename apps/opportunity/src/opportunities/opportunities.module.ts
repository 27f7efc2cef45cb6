import { Module } from '@nestjs/common';
import { CatalogGateway, OrgAwsAccess } from '@cppo/marketplace';
import { ChangeSetEventsConsumer } from '../change-sets/change-set-events.consumer';
import { ChangeSetPublisher } from '../change-sets/change-set.publisher';
import { ChangeSetTracker } from '../change-sets/change-set.tracker';
import { ExpiryJob } from '../expiry/expiry.job';
import { CreateOpportunity } from './create-opportunity.service';
import { OpportunitiesController } from './opportunities.controller';
import { OpportunityHistory } from './opportunity.history';
import { OpportunityQueries } from './opportunity.queries';
import { RestrictOpportunity } from './restrict-opportunity.service';

@Module({
  controllers: [OpportunitiesController, ChangeSetEventsConsumer],
  providers: [
    OrgAwsAccess,
    CatalogGateway,
    OpportunityHistory,
    OpportunityQueries,
    CreateOpportunity,
    RestrictOpportunity,
    ChangeSetTracker,
    ChangeSetPublisher,
    ExpiryJob,
  ],
})
export class OpportunitiesModule {}
