// The JSON the public APIs answer, as plain types (`@cppo/views/types`): what a client — the console in a
// browser — may import without Nest, mongoose or decorators. Each view class implements its type here, so
// the two cannot drift. Status fields are the API's strings (the enums live in @cppo/contracts).

export interface MarketplaceErrorJson {
  code: string;
  message: string;
  changeName?: string;
}

export interface RestrictJson {
  requestedAt: string;
  changeSetId?: string;
  status?: string;
  errors?: MarketplaceErrorJson[];
}

export interface OfferMarketplaceJson {
  resaleAuthorizationId?: string;
  changeSetId?: string;
  changeSetStatus?: string;
  errors?: MarketplaceErrorJson[];
  restrict?: RestrictJson;
  offerExtendedStatus?: string;
  offerCreatedCount?: number;
}

/** An offer of either type: a `CPPO_OUT` opportunity or a partner's `CPPO` offer. */
export interface OfferJson {
  id: string;
  type: string;
  status: string;
  name?: string;
  description?: string;
  key?: string;
  productId: string;
  resellerAccountId: string;
  buyerAccountIds: string[];
  terms?: Record<string, unknown>;
  expiryDate?: string;
  marketplace: OfferMarketplaceJson;
  offerCount: number;
  awsOfferId?: string;
  cppoOutOfferId?: string;
  offerSetId?: string;
  createdAt: string;
  updatedAt: string;
}

export interface DimensionQuantityJson {
  dimensionKey: string;
  quantity: number;
}

export interface DimensionPriceJson {
  dimensionKey: string;
  price: string;
}

export interface EntitlementHistoryJson {
  status: string;
  at: string;
  eventId?: string;
  reason?: string;
}

/** What still keeps an entitlement from its offer and opportunity, and since when. */
export interface EntitlementLinkJson {
  missing: string[];
  reason?: string;
  since?: string;
}

/** What the Agreement API said of the agreement (or why it could not be asked). */
export interface AgreementApiJson {
  status: string;
  reason?: string;
  currencyCode?: string;
  agreementValue?: string;
}

/** What the Entitlement Service says the buyer's licence entitles to, and its changes. */
export interface LicenceJson {
  status: string;
  reason?: string;
  at?: string;
  grants: DimensionQuantityJson[];
  expiresAt?: string;
  changes: { at: string; from: DimensionQuantityJson[]; to: DimensionQuantityJson[] }[];
}

export interface EntitlementJson {
  id: string;
  type?: string;
  status: string;
  agreementId: string;
  offerId?: string;
  awsOfferId?: string;
  opportunityId?: string;
  resaleAuthorizationId?: string;
  buyerAccountId?: string;
  resellerAccountId?: string;
  productId?: string;
  licenseArn?: string;
  startTime?: string;
  endTime?: string;
  previousAgreementId?: string;
  nextAgreementId?: string;
  previousEntitlementId?: string;
  nextEntitlementId?: string;
  chain?: EntitlementChainJson;
  cancellation?: CancellationJson;
  offerSetId?: string;
  grants: DimensionQuantityJson[];
  usagePrices: DimensionPriceJson[];
  wholesalePrices: DimensionPriceJson[];
  tenantId?: string;
  link: EntitlementLinkJson;
  agreementApi: AgreementApiJson;
  licence: LicenceJson;
  history: EntitlementHistoryJson[];
  createdAt: string;
  updatedAt: string;
}

/** Where an entitlement stands in its buyer's chain of agreements. */
export interface EntitlementChainJson {
  kind: 'NEW' | 'RENEWAL' | 'REPLACEMENT' | 'PARTNER_SWITCH';
  reason: string;
  relatedEntitlementId?: string;
}

/** The latest cancellation request of an entitlement's agreement. */
export interface CancellationJson {
  requestId: string;
  reasonCode?: string;
  status: string;
  since: string;
  resolvedAt?: string;
}

/** One (entitlement, dimension, hour) of the metering ledger. */
export interface MeteringReportJson {
  id: string;
  entitlementId: string;
  agreementId?: string;
  dimension: string;
  hour: string;
  usage: number;
  included: number;
  overage: number;
  wholesalePrice?: string;
  wholesaleValue?: string;
  status: string;
  meteringRecordId?: string;
  awsStatus?: string;
  attempts: number;
  lastError?: string;
  nextAttemptAt?: string;
  reportedAt?: string;
  flagged: boolean;
  lateQuantity?: number;
  customerPath?: string;
}

/** One hour of one dimension's usage, and what became of it. */
export interface HourlyUsageJson {
  hour: string;
  dimension: string;
  usage: number;
  included: number;
  overage: number;
  wholesaleValue?: string;
  /** OPEN (no report yet) or the report's status. */
  status: string;
  meteringRecordId?: string;
  reportId?: string;
  lateQuantity?: number;
}

export interface EntitlementUsageJson {
  entitlementId: string;
  from: string;
  to: string;
  hours: HourlyUsageJson[];
}

export interface ChainJson {
  opportunity: OfferJson;
  offers: OfferJson[];
  entitlements: EntitlementJson[];
}

/** An AWS notification held in quarantine, with why. */
export interface QuarantinedJson {
  id: string;
  state: string;
  reason?: string;
  detailType?: string;
  account?: string;
  /** The notification exactly as received. */
  raw: string;
  replayCount: number;
  receivedAt: string;
}

/** A page of a list: its items and the cursor of the next page, if any. */
export interface PageJson<T> {
  items: T[];
  nextCursor?: string | null;
}

/** One check of "Check my AWS connection": the AWS operation, AWS's verdict, its error when refused. */
export interface AwsCheckJson {
  operation: string;
  status: string;
  detail?: string;
  error?: string;
  message?: string;
}

/** GET /v1/aws/connection: whether the hub can act for the org in AWS. */
export interface AwsConnectionJson {
  checkedAt: string;
  accounts: string[];
  roleArn?: string;
  ok: boolean;
  checks: AwsCheckJson[];
}

/** A webhook endpoint (`GET /v1/webhooks/endpoints`); `secret` only in the answers of create and rotate. */
export interface WebhookEndpointJson {
  id: string;
  url: string;
  eventTypes: string[];
  description?: string;
  enabled: boolean;
  disabledReason?: string;
  failingSince?: string;
  createdAt: string;
  updatedAt?: string;
}

export interface WebhookAttemptJson {
  at: string;
  statusCode?: number;
  durationMs: number;
  error?: string;
}

/** One event for one endpoint (`GET /v1/webhooks/endpoints/{id}/messages`); `id` is the webhook-id. */
export interface WebhookMessageJson {
  id: string;
  type: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILING' | 'GAVE_UP';
  attempts: WebhookAttemptJson[];
  nextAttemptAt?: string;
  createdAt: string;
}

/** `GET /v1/registrations/settings`. */
export interface RegistrationSettingsJson {
  signupUrl?: string;
  landingPath: string;
}
