import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EntitlementStatus, EntitlementType } from '@cppo/contracts';
import type { Entitlement } from '@cppo/persistence';
import type {
  AgreementApiJson,
  CancellationJson,
  EntitlementChainJson,
  LicenceJson,
  EntitlementLinkJson,
  DimensionPriceJson,
  DimensionQuantityJson,
  EntitlementHistoryJson,
  EntitlementJson,
} from './types';

export class EntitlementHistoryView implements EntitlementHistoryJson {
  @ApiProperty({ enum: EntitlementStatus }) status: EntitlementStatus;
  @ApiProperty({ description: 'when AWS says it happened (event time)' }) at: string;
  @ApiPropertyOptional({ description: 'the AWS event that caused it' }) eventId?: string;
  @ApiPropertyOptional() reason?: string;
}

export class DimensionQuantityView implements DimensionQuantityJson {
  @ApiProperty() dimensionKey: string;
  @ApiProperty() quantity: number;
}

export class DimensionPriceView implements DimensionPriceJson {
  @ApiProperty() dimensionKey: string;
  @ApiProperty({ description: 'decimal string, USD per unit' }) price: string;
}

export class EntitlementLinkView implements EntitlementLinkJson {
  @ApiProperty({ type: [String], description: 'agreement, offer and/or opportunity' }) missing: string[];
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional({ description: 'unlinked since' }) since?: string;
}

export class AgreementApiView implements AgreementApiJson {
  @ApiProperty({
    enum: ['DUE', 'OK', 'DENIED', 'NOT_PARTY'],
    description: "NOT_PARTY: a CPPO's agreement, which AWS answers only to its parties (partner and buyer)",
  })
  status: string;
  @ApiPropertyOptional({ description: 'why the Agreement API could not be read' }) reason?: string;
  @ApiPropertyOptional() currencyCode?: string;
  @ApiPropertyOptional({ description: 'committed value of the agreement' }) agreementValue?: string;
}

export class LicenceChangeView {
  @ApiProperty() at: string;
  @ApiProperty({ type: [DimensionQuantityView] }) from: DimensionQuantityView[];
  @ApiProperty({ type: [DimensionQuantityView] }) to: DimensionQuantityView[];
}

/** What the Entitlement Service (GetEntitlements) says the buyer's licence entitles to. */
export class LicenceView implements LicenceJson {
  @ApiProperty({ enum: ['DUE', 'OK', 'UNAVAILABLE'] }) status: string;
  @ApiPropertyOptional({ description: 'why the licence could not be read' }) reason?: string;
  @ApiPropertyOptional({ description: 'when it was last read' }) at?: string;
  @ApiProperty({ type: [DimensionQuantityView], description: 'entitled quantity per dimension' })
  grants: DimensionQuantityView[];
  @ApiPropertyOptional() expiresAt?: string;
  @ApiProperty({ type: [LicenceChangeView], description: 'changes seen on License Updated' })
  changes: LicenceChangeView[];
}

export class EntitlementChainView implements EntitlementChainJson {
  @ApiProperty({
    enum: ['NEW', 'RENEWAL', 'REPLACEMENT', 'PARTNER_SWITCH'],
    description:
      'PARTNER_SWITCH: another seller of record started a new chain (AWS never replaces across sellers)',
  })
  kind: 'NEW' | 'RENEWAL' | 'REPLACEMENT' | 'PARTNER_SWITCH';
  @ApiProperty() reason: string;
  @ApiPropertyOptional({
    description: 'the entitlement it follows (or, for a partner switch, the one before)',
  })
  relatedEntitlementId?: string;
}

export class CancellationView implements CancellationJson {
  @ApiProperty() requestId: string;
  @ApiPropertyOptional({ description: 'INCORRECT_TERMS_ACCEPTED, REPLACING_AGREEMENT, …' })
  reasonCode?: string;
  @ApiProperty({ enum: ['PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'CANCELLED', 'VALIDATION_FAILED'] })
  status: string;
  @ApiProperty({ description: 'when the partner asked' }) since: string;
  @ApiPropertyOptional() resolvedAt?: string;
}

/** The public view of a buyer's entitlement (one per AWS agreement). */
export class EntitlementView implements EntitlementJson {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ enum: EntitlementType, description: 'unknown while only licence events arrived' })
  type?: EntitlementType;
  @ApiProperty({ enum: EntitlementStatus }) status: EntitlementStatus;
  @ApiProperty() agreementId: string;
  @ApiPropertyOptional({ description: 'our CPPO offer' }) offerId?: string;
  @ApiPropertyOptional({ description: 'the AWS offer id' }) awsOfferId?: string;
  @ApiPropertyOptional({ description: 'our CPPO_OUT opportunity' }) opportunityId?: string;
  @ApiPropertyOptional() resaleAuthorizationId?: string;
  @ApiPropertyOptional() buyerAccountId?: string;
  @ApiPropertyOptional() resellerAccountId?: string;
  @ApiPropertyOptional() productId?: string;
  @ApiPropertyOptional() licenseArn?: string;
  @ApiPropertyOptional() startTime?: string;
  @ApiPropertyOptional() endTime?: string;
  @ApiPropertyOptional() previousAgreementId?: string;
  @ApiPropertyOptional({ description: 'the agreement that renewed or replaced this one' })
  nextAgreementId?: string;
  @ApiPropertyOptional({ description: 'the entitlement this one renews or replaces' })
  previousEntitlementId?: string;
  @ApiPropertyOptional({ description: 'the entitlement that renewed or replaced this one' })
  nextEntitlementId?: string;
  @ApiPropertyOptional({ type: EntitlementChainView }) chain?: EntitlementChainView;
  @ApiPropertyOptional({ type: CancellationView, description: 'the latest cancellation request' })
  cancellation?: CancellationView;
  @ApiPropertyOptional({ description: 'the offer set the partner offer was released in' })
  offerSetId?: string;
  @ApiProperty({ type: [DimensionQuantityView], description: 'included quantity per dimension' })
  grants: DimensionQuantityView[];
  @ApiProperty({ type: [DimensionPriceView], description: 'usage prices the buyer pays' })
  usagePrices: DimensionPriceView[];
  @ApiProperty({ type: [DimensionPriceView], description: 'our wholesale usage prices (the opportunity)' })
  wholesalePrices: DimensionPriceView[];
  @ApiPropertyOptional({ description: "the ISV's own id for the buyer, once registered" }) tenantId?: string;
  @ApiProperty({ type: EntitlementLinkView }) link: EntitlementLinkView;
  @ApiProperty({ type: AgreementApiView }) agreementApi: AgreementApiView;
  @ApiProperty({ type: LicenceView }) licence: LicenceView;
  @ApiProperty({ type: [EntitlementHistoryView] }) history: EntitlementHistoryView[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(e: Entitlement): EntitlementView {
    const iso = (date?: Date) => (date ? new Date(date).toISOString() : undefined);
    return {
      id: e._id,
      type: e.type,
      status: e.status as EntitlementStatus,
      agreementId: e.agreementId,
      offerId: e.offerId,
      awsOfferId: e.awsOfferId,
      opportunityId: e.opportunityId,
      resaleAuthorizationId: e.resaleAuthorizationId,
      buyerAccountId: e.buyerAccountId,
      resellerAccountId: e.resellerAccountId,
      productId: e.productId,
      licenseArn: e.licenseArn,
      startTime: iso(e.startTime),
      endTime: iso(e.endTime),
      previousAgreementId: e.previousAgreementId,
      nextAgreementId: e.nextAgreementId,
      previousEntitlementId: e.previousEntitlementId,
      nextEntitlementId: e.nextEntitlementId,
      chain: e.chain,
      cancellation: e.cancellation && {
        requestId: e.cancellation.requestId,
        reasonCode: e.cancellation.reasonCode,
        status: e.cancellation.status,
        since: new Date(e.cancellation.since).toISOString(),
        resolvedAt: iso(e.cancellation.resolvedAt),
      },
      offerSetId: e.offerSetId,
      grants: e.grants ?? [],
      usagePrices: e.usagePrices ?? [],
      wholesalePrices: e.wholesalePrices ?? [],
      tenantId: e.tenantId,
      link: { missing: e.link?.missing ?? [], reason: e.link?.reason, since: iso(e.link?.since) },
      agreementApi: {
        status: e.agreementApi?.status ?? 'DUE',
        reason: e.agreementApi?.reason,
        currencyCode: e.agreementApi?.currencyCode,
        agreementValue: e.agreementApi?.agreementValue,
      },
      licence: {
        status: e.licence?.status ?? 'DUE',
        reason: e.licence?.reason,
        at: iso(e.licence?.at),
        grants: e.licence?.grants ?? [],
        expiresAt: iso(e.licence?.expiresAt),
        changes: (e.licence?.changes ?? []).map((c) => ({
          at: new Date(c.at).toISOString(),
          from: c.from,
          to: c.to,
        })),
      },
      history: (e.history ?? []).map((h) => ({
        status: h.status,
        at: new Date(h.at).toISOString(),
        eventId: h.eventId,
        reason: h.reason,
      })),
      createdAt: (e.createdAt ?? new Date(0)).toISOString(),
      updatedAt: (e.updatedAt ?? new Date(0)).toISOString(),
    };
  }
}
