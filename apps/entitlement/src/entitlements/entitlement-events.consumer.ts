import { EventPattern, Payload } from '@nestjs/microservices';
import { MessageConsumer } from '@cppo/messaging';
import {
  RoutingKeys,
  type AgreementEventV1,
  type AgreementNoticeV1,
  type AgreementScopedV1,
  type LicenseEventV1,
  type MessageEnvelope,
  type OfferLinkedV1,
  type OfferReleasedV1,
  type OfferSetReleasedV1,
  type OpportunityEventV1,
} from '@cppo/contracts';
import type { AgreementFact, AgreementFactKind } from '@cppo/persistence';
import { EntitlementService } from './entitlement.service';

export const ENTITLEMENT_SUBSCRIPTIONS = [
  RoutingKeys.AgreementCreated,
  RoutingKeys.AgreementAmended,
  RoutingKeys.AgreementEnded,
  RoutingKeys.LicenseUpdated,
  RoutingKeys.LicenseDeprovisioned,
  RoutingKeys.OfferReleased,
  RoutingKeys.OfferLinked,
  RoutingKeys.OpportunityPublished,
  RoutingKeys.AgreementNotice,
  RoutingKeys.OfferSetReleased,
] as const;

const date = (iso?: string) => (iso ? new Date(iso) : undefined);

/** The fields every agreement-scoped AWS event gives its fact. */
function scopedFact(kind: AgreementFactKind, p: AgreementScopedV1): AgreementFact {
  return {
    eventId: p.eventId,
    eventTime: new Date(p.eventTime),
    kind,
    awsOfferId: p.awsOfferId,
    productId: p.productId,
    acceptorAccountId: p.acceptorAccountId,
    proposerAccountId: p.proposerAccountId,
  };
}

function agreementFact(kind: AgreementFactKind, p: AgreementEventV1): AgreementFact {
  return {
    ...scopedFact(kind, p),
    status: p.status,
    intent: p.intent,
    acceptanceTime: date(p.acceptanceTime),
    startTime: date(p.startTime),
    endTime: date(p.endTime),
    resaleAuthorizationId: p.resaleAuthorizationId,
    previousAgreementId: p.previousAgreementId,
  };
}

function licenseFact(kind: AgreementFactKind, p: LicenseEventV1): AgreementFact {
  return { ...scopedFact(kind, p), licenseArn: p.licenseArn, productCode: p.productCode };
}

/** A stage of the event's detail-type as AWS's status code: `Pending Approval` → `PENDING_APPROVAL`. */
const statusOfStage = (stage?: string) => stage?.trim().toUpperCase().replace(/\s+/g, '_');

/**
 * A cancellation request's or billing adjustment's notice as a fact (advisories and "ending" notices change
 * nothing: they stay agreement notices for the webhooks). The status comes from the request when AWS gives
 * it, else from the detail-type.
 */
export function noticeFact(p: AgreementNoticeV1): AgreementFact | undefined {
  if (p.notice !== 'cancellation-request' && p.notice !== 'billing-adjustment') return undefined;
  return {
    ...scopedFact(p.notice, p),
    requestId: p.request?.id,
    requestStatus: p.request?.statusCode ?? statusOfStage(p.stage),
    reasonCode: p.request?.reasonCode,
    requestedAt: date(p.request?.createdAt),
  };
}

/**
 * Queue `entitlement.events`: agreement and licence events become facts of their entitlement; a partner
 * offer released or linked, and an opportunity published, may complete the links of waiting entitlements.
 * Deduplication is by AWS event id, on the entitlement itself: a fact already recorded changes nothing, so a
 * redelivered message or a duplicate notification is a read and no write (no inbox round trips per message);
 * relinking is a recomputation, idempotent too.
 */
@MessageConsumer()
export class EntitlementEventsConsumer {
  constructor(private readonly entitlements: EntitlementService) {}

  @EventPattern(RoutingKeys.AgreementCreated)
  created(@Payload() e: MessageEnvelope<AgreementEventV1>): Promise<unknown> {
    return this.entitlements.apply(e.orgId, e.payload.agreementId, agreementFact('created', e.payload));
  }

  @EventPattern(RoutingKeys.AgreementAmended)
  amended(@Payload() e: MessageEnvelope<AgreementEventV1>): Promise<unknown> {
    return this.entitlements.apply(e.orgId, e.payload.agreementId, agreementFact('amended', e.payload));
  }

  @EventPattern(RoutingKeys.AgreementEnded)
  ended(@Payload() e: MessageEnvelope<AgreementEventV1>): Promise<unknown> {
    return this.entitlements.apply(e.orgId, e.payload.agreementId, agreementFact('ended', e.payload));
  }

  @EventPattern(RoutingKeys.LicenseUpdated)
  licenseUpdated(@Payload() e: MessageEnvelope<LicenseEventV1>): Promise<unknown> {
    return this.entitlements.apply(e.orgId, e.payload.agreementId, licenseFact('license-updated', e.payload));
  }

  @EventPattern(RoutingKeys.LicenseDeprovisioned)
  licenseDeprovisioned(@Payload() e: MessageEnvelope<LicenseEventV1>): Promise<unknown> {
    return this.entitlements.apply(
      e.orgId,
      e.payload.agreementId,
      licenseFact('license-deprovisioned', e.payload),
    );
  }

  @EventPattern(RoutingKeys.AgreementNotice)
  async agreementNotice(@Payload() e: MessageEnvelope<AgreementNoticeV1>): Promise<void> {
    const fact = noticeFact(e.payload);
    if (fact) await this.entitlements.apply(e.orgId, e.payload.agreementId, fact);
  }

  /** Offer-ingest wrote the set onto the offers before this event: their entitlements read it again. */
  @EventPattern(RoutingKeys.OfferSetReleased)
  offerSetReleased(@Payload() e: MessageEnvelope<OfferSetReleasedV1>): Promise<void> {
    return this.entitlements.refreshOffers(e.orgId, e.payload.awsOfferIds ?? []);
  }

  @EventPattern(RoutingKeys.OfferReleased)
  offerReleased(@Payload() e: MessageEnvelope<OfferReleasedV1>): Promise<void> {
    return this.entitlements.relink(e.orgId, { awsOfferId: e.payload.awsOfferId });
  }

  @EventPattern(RoutingKeys.OfferLinked)
  offerLinked(@Payload() e: MessageEnvelope<OfferLinkedV1>): Promise<void> {
    return this.entitlements.relink(e.orgId, { awsOfferId: e.payload.awsOfferId });
  }

  @EventPattern(RoutingKeys.OpportunityPublished)
  async opportunityPublished(@Payload() e: MessageEnvelope<OpportunityEventV1>): Promise<void> {
    const ra = e.payload.resaleAuthorizationId;
    if (ra) await this.entitlements.relink(e.orgId, { resaleAuthorizationId: ra });
  }
}
