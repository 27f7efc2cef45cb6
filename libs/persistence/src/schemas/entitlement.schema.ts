import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { EntitlementStatus, EntitlementType } from '@cppo/contracts';
import { indexOutbox, OutboxHolder } from './outbox-event.schema';

export class EntitlementHistoryEntry {
  status: EntitlementStatus;
  /** When AWS says it happened (event time), not when we processed it. */
  at: Date;
  eventId?: string;
  reason?: string;
}

export type AgreementFactKind =
  | 'created'
  | 'amended'
  | 'ended'
  | 'license-updated'
  | 'license-deprovisioned'
  | 'superseded'
  | 'cancellation-request'
  | 'billing-adjustment';

/**
 * One AWS notification about the agreement, as applied: the entitlement's state is derived from the set
 * of its facts (in AWS event-time order), so any arrival order and any duplicate give the same state.
 */
export class AgreementFact {
  eventId: string;
  eventTime: Date;
  kind: AgreementFactKind;
  /** AWS AgreementStatus as the event gives it. */
  status?: string;
  intent?: string;
  acceptanceTime?: Date;
  startTime?: Date;
  endTime?: Date;
  resaleAuthorizationId?: string;
  awsOfferId?: string;
  acceptorAccountId?: string;
  proposerAccountId?: string;
  previousAgreementId?: string;
  productId?: string;
  productCode?: string;
  licenseArn?: string;
  /** `superseded`: the agreement that renewed or replaced this one. */
  nextAgreementId?: string;
  /** `cancellation-request`, `billing-adjustment`: AWS's request id, its status code and reason code. */
  requestId?: string;
  requestStatus?: string;
  reasonCode?: string;
  /** `cancellation-request`: when the partner sent it (AWS's createdAt). */
  requestedAt?: Date;
}

/** The latest cancellation request of the agreement, as its events say. */
export class CancellationState {
  requestId: string;
  reasonCode?: string;
  /** PENDING_APPROVAL, APPROVED, REJECTED, CANCELLED (withdrawn by the partner), VALIDATION_FAILED. */
  status: string;
  /** When the partner asked (AWS's createdAt, else the event's time). */
  since: Date;
  resolvedAt?: Date;
}

/**
 * Where the entitlement stands in its buyer's chain of agreements: a first agreement (`NEW`), a renewal or a
 * replacement of `previousEntitlementId`, or a new chain because another seller of record sold it
 * (`PARTNER_SWITCH`: AWS never replaces across sellers), with the entitlement it follows in `relatedEntitlementId`.
 */
export class ChainState {
  kind: 'NEW' | 'RENEWAL' | 'REPLACEMENT' | 'PARTNER_SWITCH';
  reason: string;
  relatedEntitlementId?: string;
}

export class DimensionQuantity {
  dimensionKey: string;
  quantity: number;
}

export class DimensionPrice {
  dimensionKey: string;
  price: string;
}

/** What is still missing to link a CPPO entitlement to its offer and opportunity, and since when. */
export class EntitlementLinkState {
  missing: ('agreement' | 'offer' | 'opportunity')[];
  reason?: string;
  since?: Date;
}

/**
 * What the Agreement API said (or why it could not be asked). `NOT_PARTY`: the org is not a party of the
 * agreement (the ISV of a CPPO: AWS answers proposer and acceptor only), so it is not asked at all.
 */
export class AgreementApiState {
  status: 'DUE' | 'OK' | 'DENIED' | 'NOT_PARTY';
  reason?: string;
  at?: Date;
  /** Accepted terms as GetAgreementTerms returned them. */
  acceptedTerms?: Record<string, unknown>[];
  currencyCode?: string;
  agreementValue?: string;
  startTime?: Date;
  endTime?: Date;
}

/** A change of the licence's entitled quantities, seen when the licence was read again. */
export class LicenceChange {
  at: Date;
  from: DimensionQuantity[];
  to: DimensionQuantity[];
}

/**
 * What the Entitlement Service (GetEntitlements by licence ARN, as the product's seller) says the buyer is
 * entitled to: read when the licence is known and again on every License Updated.
 */
export class LicenceState {
  status: 'DUE' | 'OK' | 'UNAVAILABLE';
  at?: Date;
  reason?: string;
  grants?: DimensionQuantity[];
  /** The earliest ExpirationDate of its entitlements (a contract's end). */
  expiresAt?: Date;
  changes?: LicenceChange[];
}

/** A buyer's agreement for the ISV's product; `CPPO` when it came through a resale authorization. */
@Schema({ collection: 'entitlements', timestamps: true, minimize: false })
export class Entitlement extends OutboxHolder {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  agreementId: string;

  /** Bumped by every write of derived state: the compare-and-set that serializes concurrent writers. */
  @Prop({ required: true, default: 0 })
  version: number;

  @Prop({ type: [Object], default: [] })
  facts: AgreementFact[];

  /** Unknown until an agreement event said whether a resale authorization was involved. */
  @Prop({ type: String, enum: Object.values(EntitlementType) })
  type?: EntitlementType;

  /** Unknown until an agreement event arrived (a licence event can come first). */
  @Prop({ type: String, enum: Object.values(EntitlementStatus) })
  status?: EntitlementStatus;

  /** Our CPPO offer. */
  @Prop()
  offerId?: string;

  @Prop()
  awsOfferId?: string;

  /** Our CPPO_OUT opportunity. */
  @Prop()
  opportunityId?: string;

  @Prop()
  resaleAuthorizationId?: string;

  @Prop()
  buyerAccountId?: string;

  @Prop()
  resellerAccountId?: string;

  @Prop()
  productId?: string;

  @Prop()
  productCode?: string;

  @Prop()
  licenseArn?: string;

  @Prop()
  intent?: string;

  @Prop()
  acceptanceTime?: Date;

  @Prop()
  startTime?: Date;

  @Prop()
  endTime?: Date;

  @Prop()
  previousAgreementId?: string;

  /** The agreement that renewed or replaced this one. */
  @Prop()
  nextAgreementId?: string;

  /** The entitlement this one renews or replaces (its agreement's `previousAgreementId`, or a renewal opportunity's). */
  @Prop()
  previousEntitlementId?: string;

  /** The entitlement that renewed or replaced this one. */
  @Prop()
  nextEntitlementId?: string;

  @Prop({ type: Object })
  chain?: ChainState;

  @Prop({ type: Object })
  cancellation?: CancellationState;

  /** The offer set (2–7 private offers accepted together) the partner's offer belongs to. */
  @Prop()
  offerSetId?: string;

  /** Included quantities per dimension: the licence's (GetEntitlements); else the accepted terms'; else the opportunity's. */
  @Prop({ type: [Object], default: [] })
  grants: DimensionQuantity[];

  /** Usage prices the buyer pays (the accepted usage-based term). */
  @Prop({ type: [Object], default: [] })
  usagePrices: DimensionPrice[];

  /** Our wholesale usage prices to the partner (the opportunity's). */
  @Prop({ type: [Object], default: [] })
  wholesalePrices: DimensionPrice[];

  @Prop({ type: Object, default: { status: 'DUE' } })
  agreementApi: AgreementApiState;

  @Prop({ type: Object, default: { status: 'DUE' } })
  licence: LicenceState;

  @Prop({ type: Object, default: { missing: [] } })
  link: EntitlementLinkState;

  /** Set while something is missing or due (links, the Agreement API, a future start): the sweeper's list. */
  @Prop()
  sweepDue?: boolean;

  /** The ISV's own id for the buyer, once the buyer registered. */
  @Prop()
  tenantId?: string;

  @Prop()
  customerIdentifier?: string;

  @Prop()
  registeredAt?: Date;

  @Prop({ type: [Object], default: [] })
  history: EntitlementHistoryEntry[];

  createdAt?: Date;
  updatedAt?: Date;
}

export const EntitlementSchema = SchemaFactory.createForClass(Entitlement);
// one entitlement per agreement: idempotent upsert from agreement events.
EntitlementSchema.index({ orgId: 1, agreementId: 1 }, { unique: true });
// GET /v1/entitlements with filters, newest first by _id cursor.
EntitlementSchema.index({ orgId: 1, _id: -1 });
// chain view: entitlements of an opportunity; linking when an offer arrives.
EntitlementSchema.index({ orgId: 1, opportunityId: 1 });
EntitlementSchema.index({ orgId: 1, awsOfferId: 1 });
EntitlementSchema.index({ orgId: 1, resaleAuthorizationId: 1 });
// lookups the ISV's SaaS application makes.
EntitlementSchema.index({ orgId: 1, licenseArn: 1 });
EntitlementSchema.index({ orgId: 1, buyerAccountId: 1, productId: 1 });
// registration without a licence ARN: the buyer's account and the product code ResolveCustomer answers.
EntitlementSchema.index({ orgId: 1, buyerAccountId: 1, productCode: 1 });
EntitlementSchema.index({ orgId: 1, tenantId: 1 });
// entitlements grouped by offer set.
EntitlementSchema.index({ orgId: 1, offerSetId: 1 }, { sparse: true });
// the sweeper's work list.
EntitlementSchema.index({ sweepDue: 1 }, { sparse: true });
indexOutbox(EntitlementSchema);
