/** What the parser makes of one AWS Marketplace notification (an SQS message body). */
export type NotificationEnvelopeKind = 'eventbridge' | 'sns' | 'sns-raw';

export type AgreementAction = 'created' | 'amended' | 'ended';
export type LicenseAction = 'updated' | 'deprovisioned';
export type ChangeSetOutcome = 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type SaasAction =
  | 'subscribe-success'
  | 'subscribe-fail'
  | 'unsubscribe-pending'
  | 'unsubscribe-success'
  | 'entitlement-updated';

export interface OfferReleasedEvent {
  kind: 'offer-released';
  /**
   * `CPPO`: a channel partner released an offer on the ISV's product (the seller of record is another
   * account); `DIRECT`: the ISV's own private offer (AWS sends Offer Released for those too).
   */
  channel: 'CPPO' | 'DIRECT';
  awsOfferId: string;
  name?: string;
  expirationDate?: string;
  productId: string;
  productTitle?: string;
  manufacturerAccountId?: string;
  sellerOfRecordAccountId: string;
  buyerAccountIds: string[];
  /** The offer set the offer was released in, when the event names one (AWS prints no example: UNVERIFIED). */
  offerSetId?: string;
}

export interface ChangeSetEvent {
  kind: 'change-set';
  status: ChangeSetOutcome;
  changeSetId: string;
  changeSetName?: string;
  failureCode?: string;
  startTime?: string;
  endTime?: string;
}

export interface AgreementEvent {
  kind: 'agreement';
  action: AgreementAction;
  role: 'Manufacturer' | 'Proposer';
  agreementId: string;
  intent?: 'NEW' | 'RENEW' | 'AMEND' | 'REPLACE';
  status?: string;
  acceptanceTime?: string;
  startTime?: string;
  endTime?: string;
  previousAgreementId?: string;
  autoRenewalEnabled?: boolean;
  resaleAuthorizationId?: string;
  awsOfferId?: string;
  acceptorAccountId?: string;
  proposerAccountId?: string;
  productId?: string;
}

export interface LicenseEvent {
  kind: 'license';
  action: LicenseAction;
  agreementId: string;
  licenseArn?: string;
  productId?: string;
  productCode?: string;
  awsOfferId?: string;
  acceptorAccountId?: string;
  proposerAccountId?: string;
}

export interface SaasSubscriptionEvent {
  kind: 'saas-subscription';
  action: SaasAction;
  customerIdentifier: string;
  productCode: string;
  offerIdentifier?: string;
  isFreeTrialTermPresent?: boolean;
}

/**
 * SNS's own messages to a new or removed subscription (not AWS Marketplace's): the subscription must be
 * confirmed by visiting `subscribeUrl` (an operator does it; CPPO Hub makes no outbound call).
 */
export interface SnsControlEvent {
  kind: 'sns-control';
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  topicArn: string;
  subscribeUrl?: string;
  /** From a Marketplace topic name (`aws-mp-…-notification-<PRODUCTCODE>`), when it is one. */
  productCode?: string;
}

/** Agreement notifications beyond the lifecycle (cancellation requests, billing adjustments, advisories, ending). */
export interface AgreementNoticeEvent {
  kind: 'agreement-notice';
  notice: 'cancellation-request' | 'billing-adjustment' | 'advisory-issued' | 'advisory-resolved' | 'ending';
  stage?: string;
  agreementId: string;
  awsOfferId?: string;
  productId?: string;
  acceptorAccountId?: string;
  proposerAccountId?: string;
  daysBeforeEndTime?: number;
  /** The cancellation request or billing adjustment the notice is about (`agreementCancellationRequest`, …). */
  request?: NoticeRequest;
}

/**
 * A cancellation request's or billing adjustment's fields as AWS prints them for the Proposer; the
 * Manufacturer of a CPPO gets no amounts and no description, so only these identifying fields are read.
 */
export interface NoticeRequest {
  id: string;
  reasonCode?: string;
  statusCode?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface OfferSetReleasedEvent {
  kind: 'offer-set-released';
  offerSetId: string;
  name?: string;
  awsOfferIds?: string[];
}

export type MarketplaceEvent =
  | AgreementNoticeEvent
  | OfferSetReleasedEvent
  | SnsControlEvent
  | OfferReleasedEvent
  | ChangeSetEvent
  | AgreementEvent
  | LicenseEvent
  | SaasSubscriptionEvent;

export interface ParsedNotification {
  envelope: NotificationEnvelopeKind;
  /** EventBridge `id`, SNS `MessageId`, or for raw SNS a hash of the body: the dedup key. */
  eventId: string;
  /** EventBridge `detail-type`, or the SNS `action`. */
  detailType: string;
  source?: string;
  /** The receiving (ISV) account; absent on SNS messages, which map to an org by product code. */
  account?: string;
  time: string;
  region?: string;
  event: MarketplaceEvent;
}

export type NotificationErrorCode =
  | 'INVALID_JSON'
  | 'UNKNOWN_SHAPE'
  | 'UNKNOWN_DETAIL_TYPE'
  | 'INVALID_FIELDS';

/** A notification that cannot be used; `reason` is what gets stored in quarantine. */
export class NotificationParseError extends Error {
  constructor(
    readonly code: NotificationErrorCode,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'NotificationParseError';
  }
}
