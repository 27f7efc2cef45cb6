import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { OfferStatus, OfferType, type OpportunityTerms } from '@cppo/contracts';
import { indexOutbox, OutboxHolder } from './outbox-event.schema';

export class MarketplaceError {
  code: string;
  message: string;
  changeName?: string;
}

export class RestrictRequest {
  requestedAt: Date;
  clientRequestToken: string;
  changeSetId?: string;
  status?: string;
  errors?: MarketplaceError[];
}

export class OfferMarketplaceState {
  resaleAuthorizationId?: string;
  changeSetId?: string;
  changeSetStatus?: string;
  clientRequestToken?: string;
  errors?: MarketplaceError[];
  /** Publisher: when a failed submit may be retried. */
  submitAfter?: Date;
  submitAttempts?: number;
  /** Publisher: when the running change set is next polled (fallback to notifications). */
  pollAfter?: Date;
  pollAttempts?: number;
  restrict?: RestrictRequest;
  reconciledAt?: Date;
  /** CPPO_OUT: what AWS says of the partner's use of the authorization (DescribeEntity OfferDetails). */
  offerDetails?: { offerExtendedStatus?: string; offerCreatedCount?: number };
  /** CPPO_OUT: the expiry notices sent (days before the expiry date: "30", "7", "1"). */
  expiryNotices?: string[];
}

/**
 * One collection for both offer types. `CPPO_OUT` (written by opportunity): a resell opportunity, an AWS
 * resale authorization. `CPPO` (written by offer-ingest): a partner's offer, linked by `cppoOutOfferId`.
 * Commercial terms are kept as sent (`terms`); their shape is owned by the opportunity service's DTOs.
 */
@Schema({ collection: 'offers', timestamps: true, minimize: false })
export class Offer extends OutboxHolder {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ type: String, enum: Object.values(OfferType), required: true })
  type: OfferType;

  @Prop({ type: String, enum: Object.values(OfferStatus), required: true })
  status: OfferStatus;

  /** Uniqueness key within the org: `out:<_id>` for CPPO_OUT, `aws:<awsOfferId>` for CPPO. */
  @Prop({ required: true })
  dedupKey: string;

  @Prop()
  name?: string;

  @Prop()
  description?: string;

  /** CPPO_OUT: the stable name an authorization kept as code has (`cppo plan` / `apply`). */
  @Prop()
  key?: string;

  @Prop({ required: true })
  productId: string;

  /** CPPO_OUT: the reseller authorized; CPPO: the partner (seller of record). */
  @Prop({ required: true })
  resellerAccountId: string;

  @Prop({ type: [String], default: [] })
  buyerAccountIds: string[];

  @Prop({ type: Object })
  terms?: Record<string, unknown>;

  /** CPPO_OUT: last day the partner may create offers (YYYY-MM-DD). CPPO: offer expiration. */
  @Prop()
  expiryDate?: string;

  @Prop({ type: Object, default: {} })
  marketplace: OfferMarketplaceState;

  /** CPPO_OUT: number of linked CPPO offers. */
  @Prop({ default: 0 })
  offerCount: number;

  /** CPPO_OUT: the linked CPPO offers counted in offerCount (each counted once). */
  @Prop({ type: [String], default: undefined })
  linkedOfferIds?: string[];

  /** CPPO: the AWS offer id. */
  @Prop()
  awsOfferId?: string;

  /** CPPO: the AWS event ids applied to this offer (a redelivered event changes nothing). */
  @Prop({ type: [String], default: undefined })
  sourceEventIds?: string[];

  /** CPPO: the CPPO_OUT opportunity it was made from, once known. */
  @Prop()
  cppoOutOfferId?: string;

  /** CPPO: the offer set (OfferSet@1.0) it was released in, when AWS named one. */
  @Prop()
  offerSetId?: string;

  createdAt?: Date;
  updatedAt?: Date;
}

export const OfferSchema = SchemaFactory.createForClass(Offer);
// idempotent CPPO upsert by AWS offer id; one CPPO_OUT per id.
OfferSchema.index({ orgId: 1, dedupKey: 1 }, { unique: true });
// GET /v1/offers?type=&status= and /v1/opportunities lists, newest first by _id cursor.
OfferSchema.index({ orgId: 1, type: 1, _id: -1 });
// `cppo plan`: an org's opportunities of a key.
OfferSchema.index({ orgId: 1, key: 1 }, { sparse: true });
// linking a CPPO offer or an agreement to its opportunity by resale authorization id.
OfferSchema.index({ orgId: 1, 'marketplace.resaleAuthorizationId': 1 });
// following a submitted change set (notification or poll) back to its opportunity.
OfferSchema.index({ 'marketplace.changeSetId': 1 });
OfferSchema.index({ 'marketplace.restrict.changeSetId': 1 });
// the publisher's and the expiry job's work lists (PENDING / ACTIVE opportunities).
OfferSchema.index({ type: 1, status: 1 });
// the chain view: CPPO offers of one opportunity.
OfferSchema.index({ orgId: 1, cppoOutOfferId: 1 });
indexOutbox(OfferSchema);

/** The commercial fields of an opportunity (CPPO_OUT), kept as sent, in `offer.terms`. */
export type OpportunityStoredTerms = Pick<
  OpportunityTerms,
  | 'renewal'
  | 'commitAmount'
  | 'usageDimensionPrices'
  | 'singleUse'
  | 'eula'
  | 'resellerContract'
  | 'installments'
>;

/** What an opportunity says, read back from its stored document (to publish it, to clone it). */
export function opportunityTermsOf(offer: Offer): OpportunityTerms {
  const terms = (offer.terms ?? {}) as OpportunityStoredTerms;
  return {
    name: offer.name ?? '',
    description: offer.description,
    productId: offer.productId,
    resellerAccountId: offer.resellerAccountId,
    buyerAccountIds: offer.buyerAccountIds?.length ? offer.buyerAccountIds : undefined,
    expiryDate: offer.expiryDate,
    ...terms,
  };
}
