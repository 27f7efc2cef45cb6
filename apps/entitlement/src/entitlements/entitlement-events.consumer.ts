import { EventPattern, Payload } from '@nestjs/microservices';
import { MessageConsumer } from '@cppo/messaging';
import {
  RoutingKeys,
  type AgreementEventV1,
  type AgreementScopedV1,
  type LicenseEventV1,
  type MessageEnvelope,
  type OfferLinkedV1,
  type OfferReleasedV1,
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
