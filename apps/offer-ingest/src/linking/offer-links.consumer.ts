import { Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { OfferType, RoutingKeys, type EntitlementEventV1, type MessageEnvelope } from '@cppo/contracts';
import { buildEnvelope, deterministicMessageId, MessageConsumer } from '@cppo/messaging';
import { CppoOfferRepository, OfferRepository } from '@cppo/persistence';
import { LRUCache } from 'lru-cache';

export const OFFER_INGEST_SUBSCRIPTIONS = [
  RoutingKeys.EntitlementActivated,
  RoutingKeys.EntitlementUpdated,
] as const;

/**
 * Queue `offer-ingest.events`. A partner's CPPO offer that could not be linked when it was released (AWS
 * did not let the ISV describe it, and several opportunities matched its partner, product and buyers) is
 * linked once a buyer's agreement made from it names the resale authorization: the entitlement service
 * then knows both the offer and the opportunity. Idempotent: an offer is linked once, by a conditional
 * write; a repeated or late event finds it linked and changes nothing.
 */
@MessageConsumer()
export class OfferLinksConsumer {
  private readonly logger = new Logger(OfferLinksConsumer.name);
  /**
   * Offers this process knows to be linked (a link never changes): every later event of their agreements
   * costs no read. An entitlement's events come in several per agreement, and many agreements name one offer.
   */
  private readonly linked = new LRUCache<string, true>({ max: 50_000 });

  constructor(
    private readonly offers: OfferRepository,
    private readonly cppoOffers: CppoOfferRepository,
  ) {}

  @EventPattern(RoutingKeys.EntitlementActivated)
  activated(@Payload() envelope: MessageEnvelope<EntitlementEventV1>): Promise<void> {
    return this.link(envelope);
  }

  @EventPattern(RoutingKeys.EntitlementUpdated)
  updated(@Payload() envelope: MessageEnvelope<EntitlementEventV1>): Promise<void> {
    return this.link(envelope);
  }

  private async link({ orgId, messageId, payload }: MessageEnvelope<EntitlementEventV1>): Promise<void> {
    const { offerId, opportunityId } = payload;
    const key = `${orgId}|${offerId}`;
    if (!offerId || !opportunityId || this.linked.has(key)) return;
    const offer = await this.offers.findById(orgId, offerId);
    if (!offer || offer.type !== OfferType.CPPO) return;
    if (offer.cppoOutOfferId) {
      this.linked.set(key, true);
      return;
    }
    const opportunity = await this.offers.findById(orgId, opportunityId);
    if (!opportunity || opportunity.type !== OfferType.CPPO_OUT) return;
    const resaleAuthorizationId = opportunity.marketplace?.resaleAuthorizationId;
    const linked = buildEnvelope(
      RoutingKeys.OfferLinked,
      { offerId, awsOfferId: offer.awsOfferId ?? '', opportunityId, resaleAuthorizationId },
      {
        orgId,
        // one link per offer, whichever entitlement event made it
        messageId: deterministicMessageId(`link:${offerId}:${opportunityId}`),
        causationId: messageId,
      },
    );
    const written = await this.cppoOffers.linkOpportunity(
      orgId,
      offerId,
      opportunityId,
      resaleAuthorizationId,
      [linked],
    );
    // Linked now, or by someone else meanwhile (the write is conditional): linked either way.
    this.linked.set(key, true);
    if (written)
      this.logger.log(
        `CPPO offer ${offer.awsOfferId} linked to opportunity ${opportunityId} (its agreement)`,
      );
  }
}
