import { Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  RoutingKeys,
  type ChangeSetEventV1,
  type MessageEnvelope,
  type OfferLinkedV1,
} from '@cppo/contracts';
import { CatalogGateway } from '@cppo/marketplace';
import { InboxService, MessageConsumer } from '@cppo/messaging';
import { OpportunityRepository } from '@cppo/persistence';
import { ChangeSetTracker } from './change-set.tracker';

export const OPPORTUNITY_SUBSCRIPTIONS = [
  RoutingKeys.ChangeSetSucceeded,
  RoutingKeys.ChangeSetFailed,
  RoutingKeys.ChangeSetCancelled,
  RoutingKeys.OfferLinked,
] as const;

/**
 * Queue `opportunity.events`: change-set results forwarded by offer-ingest (the fast path; polling is the
 * fallback) and CPPO offers linked to an opportunity (offerCount).
 */
@MessageConsumer()
export class ChangeSetEventsConsumer {
  private readonly logger = new Logger(ChangeSetEventsConsumer.name);

  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly catalog: CatalogGateway,
    private readonly tracker: ChangeSetTracker,
    private readonly inbox: InboxService,
  ) {}

  @EventPattern(RoutingKeys.ChangeSetSucceeded)
  succeeded(@Payload() envelope: MessageEnvelope<ChangeSetEventV1>): Promise<void> {
    return this.onChangeSet(envelope);
  }

  @EventPattern(RoutingKeys.ChangeSetFailed)
  failed(@Payload() envelope: MessageEnvelope<ChangeSetEventV1>): Promise<void> {
    return this.onChangeSet(envelope);
  }

  @EventPattern(RoutingKeys.ChangeSetCancelled)
  cancelled(@Payload() envelope: MessageEnvelope<ChangeSetEventV1>): Promise<void> {
    return this.onChangeSet(envelope);
  }

  @EventPattern(RoutingKeys.OfferLinked)
  async linked(@Payload() envelope: MessageEnvelope<OfferLinkedV1>): Promise<void> {
    await this.inbox.once('opportunity.offer-linked', envelope.messageId, () =>
      this.opportunities.countLinkedOffer(
        envelope.orgId,
        envelope.payload.opportunityId,
        envelope.payload.offerId,
      ),
    );
  }

  /** The notification says only how it ended; DescribeChangeSet says what AWS created or rejected. */
  private async onChangeSet(envelope: MessageEnvelope<ChangeSetEventV1>): Promise<void> {
    const offer = await this.opportunities.findByChangeSetId(envelope.orgId, envelope.payload.changeSetId);
    if (!offer) {
      this.logger.debug(`change set ${envelope.payload.changeSetId} is not an opportunity's; ignored`);
      return;
    }
    const outcome = await this.catalog.changeSet(offer.orgId, envelope.payload.changeSetId);
    await this.tracker.ended(offer, outcome, `aws:${envelope.payload.eventId}`);
  }
}
