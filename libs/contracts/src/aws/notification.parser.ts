import { createHash } from 'node:crypto';
import { validatePlain } from '../validation';
import {
  AgreementDetailShape,
  AgreementNoticeDetailShape,
  OfferSetReleasedDetailShape,
  ChangeSetDetailShape,
  EventBridgeEnvelopeShape,
  LicenseDetailShape,
  OfferReleasedDetailShape,
  SaasMessageShape,
  SnsEnvelopeShape,
} from './notification.shapes';
import {
  NotificationParseError,
  type AgreementAction,
  type AgreementNoticeEvent,
  type ChangeSetOutcome,
  type LicenseAction,
  type MarketplaceEvent,
  type NoticeRequest,
  type ParsedNotification,
} from './notification.types';

const CATALOG_SOURCE = 'aws.marketplacecatalog';
const AGREEMENT_SOURCE = 'aws.agreement-marketplace';

const CHANGE_SET_TYPES: Record<string, ChangeSetOutcome> = {
  'Change Set Succeeded': 'SUCCEEDED',
  'Change Set Failed': 'FAILED',
  'Change Set Cancelled': 'CANCELLED',
};
const AGREEMENT_TYPE = /^Purchase Agreement (Created|Amended|Ended) - (Manufacturer|Proposer)$/;
const LICENSE_TYPE = /^License (Updated|Deprovisioned) - Manufacturer$/;
/**
 * AWS names the Proposer variants of the cancellation-request and billing-adjustment events; the ISV's
 * (`- Manufacturer`) ones are not printed, so either suffix is read.
 */
const NOTICE_TYPES: [RegExp, AgreementNoticeEvent['notice']][] = [
  [/^Agreement Cancellation Request (.+) - (Manufacturer|Proposer)$/, 'cancellation-request'],
  [/^Purchase Agreement Billing Adjustment (.+) - (Manufacturer|Proposer)$/, 'billing-adjustment'],
  [/^Purchase Agreement Advisory Issued - Manufacturer$/, 'advisory-issued'],
  [/^Purchase Agreement Advisory Resolved - Manufacturer$/, 'advisory-resolved'],
  [/^Purchase Agreement Ending - (Manufacturer|Proposer)$/, 'ending'],
];

/** Parses one SQS message body carrying an AWS Marketplace notification; throws NotificationParseError. */
export function parseMarketplaceNotification(body: string): ParsedNotification {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new NotificationParseError('INVALID_JSON', `body is not JSON: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new NotificationParseError('UNKNOWN_SHAPE', 'body is not a JSON object');
  }
  const object = json as Record<string, unknown>;
  if ('detail-type' in object || ('detail' in object && 'source' in object)) return parseEventBridge(object);
  if (object['Type'] === 'SubscriptionConfirmation' || object['Type'] === 'UnsubscribeConfirmation')
    return parseSnsControl(object);
  if (object['Type'] === 'Notification' || 'TopicArn' in object) return parseSnsEnvelope(object);
  if ('action' in object && 'product-code' in object) {
    const eventId = `sns-raw-${createHash('sha256').update(body).digest('hex').slice(0, 40)}`;
    return parseSaasMessage(object, 'sns-raw', eventId, undefined);
  }
  throw new NotificationParseError(
    'UNKNOWN_SHAPE',
    'neither an EventBridge event (detail-type), an SNS envelope (Type: Notification) nor a raw SaaS message (action)',
  );
}

function check<T extends object>(cls: new () => T, plain: unknown, what: string): T {
  const result = validatePlain(cls, plain);
  if (!result.ok) throw new NotificationParseError('INVALID_FIELDS', `${what}: ${result.errors.join('; ')}`);
  return result.value;
}

function parseEventBridge(object: Record<string, unknown>): ParsedNotification {
  const envelope = check(EventBridgeEnvelopeShape, object, 'event');
  const detailType = envelope['detail-type'];
  const base = {
    envelope: 'eventbridge' as const,
    eventId: envelope.id,
    detailType,
    source: envelope.source,
    account: envelope.account,
    time: envelope.time,
    region: envelope.region,
  };
  return { ...base, event: parseDetail(envelope.source, detailType, envelope.detail, envelope.account) };
}

function parseDetail(
  source: string,
  detailType: string,
  detail: Record<string, unknown>,
  account: string,
): MarketplaceEvent {
  if (source === CATALOG_SOURCE && detailType === 'Offer Released') {
    const d = check(OfferReleasedDetailShape, detail, 'detail');
    const manufacturer = d.manufacturer?.accountId ?? account;
    return {
      kind: 'offer-released',
      channel: d.sellerOfRecord.accountId === manufacturer ? 'DIRECT' : 'CPPO',
      awsOfferId: d.offer.id,
      name: d.offer.name,
      expirationDate: d.offer.expirationDate,
      productId: d.product.id,
      productTitle: d.product.title,
      manufacturerAccountId: d.manufacturer?.accountId,
      sellerOfRecordAccountId: d.sellerOfRecord.accountId,
      buyerAccountIds: d.targetedBuyerAccountIds ?? [],
      offerSetId: d.offerSet?.id ?? undefined,
    };
  }
  if (source === CATALOG_SOURCE && detailType in CHANGE_SET_TYPES) {
    const d = check(ChangeSetDetailShape, camelCaseKeys(detail), 'detail');
    return {
      kind: 'change-set',
      status: CHANGE_SET_TYPES[detailType],
      changeSetId: d.changeSetId,
      changeSetName: d.changeSetName,
      failureCode: d.failureCode,
      startTime: d.startTime,
      endTime: d.endTime,
    };
  }
  const agreementMatch = source === AGREEMENT_SOURCE ? AGREEMENT_TYPE.exec(detailType) : null;
  if (agreementMatch) {
    const d = check(AgreementDetailShape, detail, 'detail');
    const rawAgreement = (detail['agreement'] ?? {}) as Record<string, unknown>;
    return {
      kind: 'agreement',
      action: agreementMatch[1].toLowerCase() as AgreementAction,
      role: agreementMatch[2] as 'Manufacturer' | 'Proposer',
      agreementId: d.agreement.id,
      intent: d.agreement.intent,
      status: d.agreement.status,
      acceptanceTime: d.agreement.acceptanceTime,
      startTime: d.agreement.startTime,
      endTime: d.agreement.endTime,
      previousAgreementId: d.agreement.previousAgreementId,
      autoRenewalEnabled: toBoolean(rawAgreement['autoRenewalEnabled']),
      resaleAuthorizationId: d.resaleAuthorization?.id ?? undefined,
      awsOfferId: normalizeOfferId(d.offer?.id),
      acceptorAccountId: d.acceptor?.accountId,
      proposerAccountId: d.proposer?.accountId,
      productId: d.product?.id ?? undefined,
    };
  }
  const licenseMatch = source === AGREEMENT_SOURCE ? LICENSE_TYPE.exec(detailType) : null;
  if (licenseMatch) {
    const d = check(LicenseDetailShape, detail, 'detail');
    return {
      kind: 'license',
      action: licenseMatch[1].toLowerCase() as LicenseAction,
      agreementId: d.agreement.id,
      licenseArn: d.license ? normalizeArn(d.license.arn) : undefined,
      productId: d.product?.id,
      productCode: d.product?.code,
      awsOfferId: normalizeOfferId(d.offer?.id),
      acceptorAccountId: d.acceptor?.accountId,
      proposerAccountId: d.proposer?.accountId,
    };
  }
  if (source === CATALOG_SOURCE && detailType === 'OfferSet Released') {
    const d = check(OfferSetReleasedDetailShape, detail, 'detail');
    // Validation keeps declared fields only; the optional extras are read from the event as received.
    const raw = detail['offerSet'] as { name?: unknown; offerIds?: unknown };
    const offerIds = raw.offerIds;
    return {
      kind: 'offer-set-released',
      offerSetId: d.offerSet.id,
      name: typeof raw.name === 'string' ? raw.name : undefined,
      awsOfferIds: Array.isArray(offerIds)
        ? offerIds
            .filter((id): id is string => typeof id === 'string')
            .map((id) => normalizeOfferId(id) as string)
        : undefined,
    };
  }
  const notice =
    source === AGREEMENT_SOURCE ? NOTICE_TYPES.find(([pattern]) => pattern.test(detailType)) : undefined;
  if (notice) {
    const d = check(AgreementNoticeDetailShape, detail, 'detail');
    const days = Number((detail['agreement'] as { daysBeforeEndTime?: unknown }).daysBeforeEndTime);
    const stage = /^(?:Agreement Cancellation Request|Purchase Agreement Billing Adjustment) (.+) - /.exec(
      detailType,
    )?.[1];
    return {
      kind: 'agreement-notice',
      notice: notice[1],
      stage,
      agreementId: d.agreement.id,
      awsOfferId: normalizeOfferId(d.offer?.id),
      productId: d.product?.id ?? undefined,
      acceptorAccountId: d.acceptor?.accountId,
      proposerAccountId: d.proposer?.accountId,
      daysBeforeEndTime: Number.isInteger(days) ? days : undefined,
      request: noticeRequest(detail),
    };
  }
  throw new NotificationParseError(
    'UNKNOWN_DETAIL_TYPE',
    `no handler for source "${source}" detail-type "${detailType}"`,
  );
}

/** Where AWS puts the request a notice is about; the billing adjustment's key is not printed (UNVERIFIED). */
const REQUEST_KEYS = ['agreementCancellationRequest', 'billingAdjustmentRequest', 'billingAdjustment'];

/** The request's identifying fields, read leniently: strings only, a missing id means no request. */
function noticeRequest(detail: Record<string, unknown>): NoticeRequest | undefined {
  for (const key of REQUEST_KEYS) {
    const raw = detail[key];
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Record<string, unknown>;
    const text = (name: string) => (typeof r[name] === 'string' && r[name] ? (r[name] as string) : undefined);
    const id = text('id');
    if (!id) continue;
    const at = (name: string) => {
      const value = text(name);
      return value && !Number.isNaN(Date.parse(value)) ? value : undefined;
    };
    return {
      id,
      reasonCode: text('reasonCode') ?? text('adjustmentReasonCode'),
      statusCode: text('statusCode') ?? text('status'),
      createdAt: at('createdAt'),
      updatedAt: at('updatedAt'),
    };
  }
  return undefined;
}

function parseSnsControl(object: Record<string, unknown>): ParsedNotification {
  const messageId = object['MessageId'];
  const topicArn = object['TopicArn'];
  if (typeof messageId !== 'string' || !messageId || typeof topicArn !== 'string' || !topicArn)
    throw new NotificationParseError(
      'INVALID_FIELDS',
      'SNS confirmation: MessageId and TopicArn are required',
    );
  const type = object['Type'] as 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  const timestamp = typeof object['Timestamp'] === 'string' ? object['Timestamp'] : undefined;
  return {
    envelope: 'sns',
    eventId: messageId,
    detailType: type,
    time: timestamp && !Number.isNaN(Date.parse(timestamp)) ? timestamp : new Date(0).toISOString(),
    event: {
      kind: 'sns-control',
      type,
      topicArn,
      subscribeUrl: typeof object['SubscribeURL'] === 'string' ? object['SubscribeURL'] : undefined,
      productCode: /:aws-mp-(?:subscription|entitlement)-notification-([\w-]+)$/.exec(topicArn)?.[1],
    },
  };
}

function parseSnsEnvelope(object: Record<string, unknown>): ParsedNotification {
  const envelope = check(SnsEnvelopeShape, object, 'SNS envelope');
  let message: unknown;
  try {
    message = JSON.parse(envelope.Message);
  } catch (error) {
    throw new NotificationParseError('INVALID_JSON', `SNS Message is not JSON: ${(error as Error).message}`);
  }
  // The AWS sample handler parses a second time when the Message itself holds a JSON string.
  if (typeof message === 'string') {
    try {
      message = JSON.parse(message);
    } catch {
      throw new NotificationParseError('INVALID_JSON', 'SNS Message is a string that is not JSON');
    }
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new NotificationParseError('UNKNOWN_SHAPE', 'SNS Message is not a JSON object');
  }
  return parseSaasMessage(message as Record<string, unknown>, 'sns', envelope.MessageId, envelope.Timestamp);
}

function parseSaasMessage(
  object: Record<string, unknown>,
  envelope: 'sns' | 'sns-raw',
  eventId: string,
  timestamp: string | undefined,
): ParsedNotification {
  const m = check(SaasMessageShape, object, 'SNS message');
  return {
    envelope,
    eventId,
    detailType: m.action,
    time: timestamp ?? new Date(0).toISOString(),
    event: {
      kind: 'saas-subscription',
      action: m.action,
      // AWS's own example carries a leading space in customer-identifier.
      customerIdentifier: m['customer-identifier'].trim(),
      productCode: m['product-code'].trim(),
      offerIdentifier: m['offer-identifier'],
      isFreeTrialTermPresent: toBoolean(m.isFreeTrialTermPresent),
    },
  };
}

/**
 * AWS offer ids are `offer-…`, but licence events have been seen with the bare id: matching an offer must
 * not depend on the prefix, so every offer id is carried with it.
 */
export function normalizeOfferId(id: string | null | undefined): string | undefined {
  if (!id) return undefined;
  return id.startsWith('offer-') ? id : `offer-${id}`;
}

/** AWS's License event example carries `aws:license-manager:...` without the leading `arn:`. */
export function normalizeArn(arn: string): string {
  return arn.startsWith('arn:') ? arn : `arn:${arn}`;
}

function toBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

function camelCaseKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(object).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]),
  );
}
