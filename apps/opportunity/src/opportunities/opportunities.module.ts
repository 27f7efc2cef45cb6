import { Module } from '@nestjs/common';
import { CatalogGateway } from '../marketplace/catalog.gateway';
import { ChangeSetPublisher } from './change-set.publisher';
import { ExpiryJob } from './expiry.job';
import { OpportunitiesController } from './opportunities.controller';
import { OpportunitiesService } from './opportunities.service';
import { OpportunityEventsConsumer } from './opportunity-events.consumer';

@Module({
  controllers: [OpportunitiesController, OpportunityEventsConsumer],
  providers: [CatalogGateway, OpportunitiesService, ChangeSetPublisher, ExpiryJob],
})
export class OpportunitiesModule {}
