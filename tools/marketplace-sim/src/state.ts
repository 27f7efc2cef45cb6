import type { Feed } from './sdds/sdds.writer';
import type { ErrorDetail, ResaleAuthorization } from './catalog/resale-authorization';
import type { World } from './world';

export interface SimConfig {
  /** PREPARING → APPLYING at half of it, terminal at the end. */
  changeSetDelayMs: number;
  /** Where notifications go (EventBridge → SQS); unset = only recorded in /_sim/events. */
  sqsEndpoint?: string;
  sqsQueueUrl?: string;
  /** BatchMeterUsage acceptance window (24 h per the SDK model docs). */
  meteringWindowHours: number;
  /** UNVERIFIED in AWS docs whether an ISV may DescribeEntity a partner's CPPO offer: default denied. */
  manufacturerCanDescribePartnerOffers: boolean;
  /**
   * The Agreement API answers the parties of an agreement, proposer and acceptor (GetAgreementTerms: "an
   * agreement that you participated in as proposer or acceptor"; SearchAgreements has no manufacturer
   * party type): the ISV of a CPPO is refused (AccessDeniedException), as AWS does. On: it may read them.
   */
  manufacturerCanReadAgreements: boolean;
  /**
   * How long a registration token (x-amzn-marketplace-token) resolves, from the agreement's acceptance;
   * afterwards ResolveCustomer answers ExpiredTokenException. AWS documents the error, not the lifetime
   * (UNVERIFIED): 24 hours here.
   */
  registrationTokenTtlHours: number;
  /**
   * ResolveCustomer names the buyer's licence (Concurrent Agreements). Off: it answers as for products
   * integrated before licences — customer identifier, account and product code, no LicenseArn.
   */
  resolveCustomerLicenseArn: boolean;
  /**
   * CONFLICT: the API shapes type `OffersMaxQuantity` as an integer, one of AWS's own samples sends "1".
   * Default: accept the numeric string (AWS's sample implies AWS does); strict: refuse it naming the type.
   */
  strictIntegers: boolean;
  /**
   * CONFLICT: AWS's page says ResaleFixedUpfrontPricingTerm and ResalePaymentScheduleTerm come together
   * (INCOMPATIBLE_PRICING_TERM), while its UpdatePricingTerms example shows a fixed price of 200.0 alone.
   * Default: a fixed price without a schedule is accepted; on: it fails INCOMPATIBLE_PRICING_TERM.
   */
  fixedUpfrontRequiresSchedule: boolean;
  /**
   * Which suffix the ISV's cancellation-request and billing-adjustment events carry. AWS prints only the
   * Proposer examples and says the ISV of a CPPO is notified too (UNVERIFIED): `Manufacturer` by default,
   * `Proposer` to exercise the other shape.
   */
  lifecycleNoticeSuffix: 'Manufacturer' | 'Proposer';
  /** Days a buyer has to answer a cancellation request before AWS approves it (AWS: 7). */
  cancellationAutoApprovalDays: number;
  /** Where SDDS delivers (`POST /_sim/sdds/deliver`): an S3 endpoint (default: the SQS emulator's), bucket, prefix. */
  sddsEndpoint?: string;
  sddsBucket: string;
  sddsPrefix: string;
  /** The listing fee AWS keeps (AWS_REV_SHARE), percent of the wholesale amount (a simulator's choice: 3). */
  sddsListingFeePercent: number;
  /** Days from an invoice to its disbursement (the buyer's payment and AWS's schedule; a choice: 7). */
  sddsDisbursementDelayDays: number;
  /** Fault switch: disbursements fail (DISBURSEMENT_FAILURE) instead of paying out — all, or these agreements'. */
  sddsDisbursementFails: boolean | string[];
  /**
   * The simulator's clock (an ISO-8601 instant) for the Catalog's date checks and the Metering API's
   * windows; unset or null: the real time.
   */
  now?: string | null;
}

export const DEFAULT_CONFIG: SimConfig = {
  changeSetDelayMs: 2000,
  meteringWindowHours: 24,
  manufacturerCanDescribePartnerOffers: false,
  manufacturerCanReadAgreements: false,
  registrationTokenTtlHours: 24,
  resolveCustomerLicenseArn: true,
  strictIntegers: false,
  fixedUpfrontRequiresSchedule: false,
  lifecycleNoticeSuffix: 'Manufacturer',
  cancellationAutoApprovalDays: 7,
  sddsBucket: 'cppo-sdds',
  sddsPrefix: '',
  sddsListingFeePercent: 3,
  sddsDisbursementDelayDays: 7,
  sddsDisbursementFails: false,
};

/** What SDDS has delivered: through which day, each file's lines, rows planted for the next day. */
export interface SddsState {
  through?: string;
  files: Map<string, string[]>;
  /** Every row delivered (feed and line): a day delivered again adds only what is new. */
  emitted: Set<string>;
  planted: { feed: Feed; row?: Partial<Record<string, string>>; raw?: string }[];
}

export interface ChangeRecord {
  ChangeType: string;
  ChangeName?: string;
  Entity: { Type: string; Identifier?: string };
  DetailsDocument: Record<string, unknown>;
  ErrorDetailList: ErrorDetail[];
}

export type ChangeSetStatus = 'PREPARING' | 'APPLYING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface ChangeSetRecord {
  id: string;
  arn: string;
  name?: string;
  accountId: string;
  status: ChangeSetStatus;
  startTime: string;
  endTime?: string;
  failureCode?: 'CLIENT_ERROR' | 'SERVER_FAULT';
  failureDescription?: string;
  changes: ChangeRecord[];
  /** Existing entities it locks until it ends. */
  lockedEntityIds: string[];
  timers: NodeJS.Timeout[];
}

export interface PartnerOffer {
  id: string;
  name: string;
  partnerAccountId: string;
  manufacturerAccountId: string;
  /** Absent for the ISV's own direct private offer. */
  resaleAuthorizationId?: string;
  productId: string;
  buyerAccountIds: string[];
  expirationDate?: string;
  markupPercentage?: string;
  state: 'Released';
  createdDate: string;
  /** For CreateReplacementOfferUsingResaleAuthorization: the agreement it replaces. */
  replacesAgreementId?: string;
  /** The offer set (OfferSet@1.0) it was created in. */
  offerSetId?: string;
}

export interface OfferSetRecord {
  id: string;
  name: string;
  partnerAccountId: string;
  offerIds: string[];
  createdDate: string;
}

export const CANCELLATION_REASON_CODES = [
  'INCORRECT_TERMS_ACCEPTED',
  'REPLACING_AGREEMENT',
  'TEST_AGREEMENT',
  'ALTERNATIVE_PROCUREMENT_CHANNEL',
  'PRODUCT_DISCONTINUED',
  'UNINTENDED_RENEWAL',
  'BUYER_DISSATISFACTION',
  'OTHER',
] as const;

export type CancellationStatus =
  | 'PENDING_APPROVAL'
  | 'APPROVED'
  | 'REJECTED'
  | 'CANCELLED'
  | 'VALIDATION_FAILED';

export interface CancellationRequestRecord {
  id: string;
  agreementId: string;
  reasonCode: (typeof CANCELLATION_REASON_CODES)[number];
  description?: string;
  statusCode: CancellationStatus;
  createdAt: string;
  updatedAt: string;
}

export interface BillingAdjustmentRecord {
  id: string;
  agreementId: string;
  originalInvoiceId: string;
  adjustmentAmount: string;
  currencyCode: string;
  adjustmentReasonCode: string;
  clientToken?: string;
  statusCode: 'COMPLETED' | 'FAILED';
  statusMessage?: string;
  createdAt: string;
}

export type AgreementStatus =
  | 'ACTIVE'
  | 'ARCHIVED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'RENEWED'
  | 'REPLACED'
  | 'ROLLED_BACK'
  | 'SUPERSEDED'
  | 'TERMINATED';

export interface AgreementRecord {
  id: string;
  offerId: string;
  resaleAuthorizationId?: string;
  productId: string;
  productCode: string;
  manufacturerAccountId: string;
  proposerAccountId: string;
  acceptorAccountId: string;
  status: AgreementStatus;
  intent: 'NEW' | 'RENEW' | 'REPLACE' | 'AMEND';
  acceptanceTime: string;
  startTime: string;
  endTime?: string;
  previousAgreementId?: string;
  offerSetId?: string;
  licenseArn: string;
  customerIdentifier: string;
  registrationToken: string;
  /** Entitled quantities the buyer bought (from the authorization's grants). */
  grants: { dimensionKey: string; quantity: number }[];
  /** Accepted terms in the Agreement API's union shape. */
  acceptedTerms: Record<string, unknown>[];
  agreementValue: string;
  currencyCode: string;
  licenseDeprovisioned: boolean;
}

export interface MeteringRecord {
  meteringRecordId: string;
  productCode: string;
  customer: string;
  /** `LicenseArn` (Concurrent Agreements) or `ProductCode` (legacy) identification. */
  path: 'LicenseArn' | 'ProductCode';
  licenseArn?: string;
  customerAWSAccountId?: string;
  customerIdentifier?: string;
  dimension: string;
  quantity: number;
  timestamp: string;
  hour: string;
  acceptedAt: string;
  /** Set when the same customer and hour was also metered through the other path: AWS bills both. */
  doubleBilling?: boolean;
  /** How many times the record was sent (identical resends included). */
  sends: number;
  /** How many sends carried another quantity (answered DuplicateRecord). */
  conflicts: number;
}

export interface EmittedEvent {
  seq: number;
  kind: 'eventbridge' | 'sns' | 'sns-raw';
  detailType: string;
  body: string;
  status: 'delivered' | 'held' | 'pending' | 'failed';
  copies: number;
  error?: string;
}

/** Everything the simulator knows; `reset()` returns it to the world file. */
export class SimState {
  config: SimConfig = { ...DEFAULT_CONFIG };
  resaleAuthorizations = new Map<string, ResaleAuthorization>();
  changeSets = new Map<string, ChangeSetRecord>();
  /** `<account>:<ClientRequestToken>` → change set id and a hash of the request. */
  clientTokens = new Map<string, { changeSetId: string; requestHash: string }>();
  offers = new Map<string, PartnerOffer>();
  agreements = new Map<string, AgreementRecord>();
  meteringRecords = new Map<string, MeteringRecord>();
  offerSets = new Map<string, OfferSetRecord>();
  cancellationRequests = new Map<string, CancellationRequestRecord>();
  billingAdjustments = new Map<string, BillingAdjustmentRecord>();
  sdds: SddsState = { files: new Map(), emitted: new Set(), planted: [] };
  events: EmittedEvent[] = [];
  calls: Record<string, number> = {};

  constructor(public world: World) {}

  /** The simulator's time in epoch milliseconds: `config.now` when set, else the real clock. */
  now(): number {
    return this.config.now ? Date.parse(this.config.now) : Date.now();
  }

  reset(world: World = this.world): void {
    for (const changeSet of this.changeSets.values()) changeSet.timers.forEach(clearTimeout);
    this.world = world;
    this.config = {
      ...DEFAULT_CONFIG,
      sqsEndpoint: this.config.sqsEndpoint,
      sqsQueueUrl: this.config.sqsQueueUrl,
      sddsEndpoint: this.config.sddsEndpoint,
    };
    this.resaleAuthorizations.clear();
    this.changeSets.clear();
    this.clientTokens.clear();
    this.offers.clear();
    this.agreements.clear();
    this.meteringRecords.clear();
    this.offerSets.clear();
    this.cancellationRequests.clear();
    this.billingAdjustments.clear();
    this.sdds = { files: new Map(), emitted: new Set(), planted: [] };
    this.events = [];
    this.calls = {};
  }

  countCall(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  /** Entity ids locked by change sets still running. */
  lockedEntities(): Set<string> {
    const locked = new Set<string>();
    for (const changeSet of this.changeSets.values()) {
      if (changeSet.status === 'PREPARING' || changeSet.status === 'APPLYING')
        changeSet.lockedEntityIds.forEach((id) => locked.add(id));
    }
    return locked;
  }
}
