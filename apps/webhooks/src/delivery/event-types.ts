import {
  RoutingKeys,
  WEBHOOK_EVENT_TYPES,
  type MessageEnvelope,
  type RoutingKey,
  type WebhookEventType,
} from '@cppo/contracts';
import { timeOfId } from '@cppo/persistence';

/** The bus events that become webhooks, and the webhook type each becomes (docs/api.md lists their data). */
export const WEBHOOK_TYPES = {
  [RoutingKeys.OpportunityCreated]: 'opportunity.created',
  [RoutingKeys.OpportunityPublished]: 'opportunity.published',
  [RoutingKeys.OpportunityFailed]: 'opportunity.failed',
  [RoutingKeys.OpportunityRestricted]: 'opportunity.restricted',
  [RoutingKeys.OpportunityExpired]: 'opportunity.expired',
  [RoutingKeys.OpportunityExpiring]: 'opportunity.expiring',
  [RoutingKeys.OfferReleased]: 'offer.released',
  [RoutingKeys.EntitlementCreated]: 'entitlement.created',
  [RoutingKeys.EntitlementActivated]: 'entitlement.activated',
  [RoutingKeys.EntitlementUpdated]: 'entitlement.updated',
  [RoutingKeys.EntitlementEnded]: 'entitlement.ended',
  [RoutingKeys.RegistrationCompleted]: 'registration.completed',
  [RoutingKeys.MeteringReported]: 'metering.report.reported',
  [RoutingKeys.MeteringFailed]: 'metering.report.flagged',
  [RoutingKeys.AgreementNotice]: 'agreement.notice',
  [RoutingKeys.FinanceExceptionOpened]: 'finance.exception.opened',
} as const satisfies Partial<Record<RoutingKey, WebhookEventType>>;

export type BusKey = keyof typeof WEBHOOK_TYPES;
export const WEBHOOK_SUBSCRIPTIONS = Object.keys(WEBHOOK_TYPES) as BusKey[];

export const TEST_EVENT_TYPE: WebhookEventType = 'webhook.test';

/** Every type an endpoint may ask for. */
export const EVENT_TYPES: readonly string[] = WEBHOOK_EVENT_TYPES;

/**
 * Whether `filter` (an exact type, a trailing wildcard `entitlement.*`, or `*`) names at least one type:
 * a filter that can never match is a mistake the API refuses.
 */
export function isKnownFilter(filter: string): boolean {
  return EVENT_TYPES.some((type) => matches(filter, type));
}

export function matches(filter: string, type: string): boolean {
  if (filter === '*') return true;
  if (filter.endsWith('.*')) return type.startsWith(filter.slice(0, -1));
  return filter === type;
}

/** One webhook a bus event makes: its type, and what makes its message unique per endpoint. */
export interface PlannedWebhook {
  type: WebhookEventType;
  /** With the endpoint id, the message's identity: the same key again is the same message. */
  key: string;
  /** When it happened (orders an endpoint's messages). */
  at: Date;
}

/**
 * The webhooks a bus event makes. One each, of its type — except for entitlements: `entitlement.activated`
 * is sent once per entitlement, when it is ACTIVE **and** its licence (and, for a CPPO, the partner's offer)
 * is known, so a receiver can provision with the licence ARN at hand. AWS's licence and offer events may
 * come after the agreement's: until then the entitlement's changes go out as `entitlement.updated`, and the
 * first change that completes it (activated or updated on the bus) makes the one `entitlement.activated`
 * (keyed by the entitlement: later ones are the same message).
 */
export function planWebhooks(envelope: MessageEnvelope): PlannedWebhook[] {
  const type = WEBHOOK_TYPES[envelope.type as BusKey];
  const at = new Date(envelope.occurredAt);
  if (type === 'agreement.notice')
    return [{ type, key: envelope.messageId, at }, ...lifecycleOf(envelope, at)];
  if (type === 'entitlement.ended')
    return [{ type, key: envelope.messageId, at }, ...replacedOf(envelope, at)];
  if (type !== 'entitlement.activated' && type !== 'entitlement.updated')
    return [{ type, key: envelope.messageId, at }];
  const p = envelope.payload as Record<string, unknown>;
  const complete = p['status'] === 'ACTIVE' && !!p['licenseArn'] && (p['type'] !== 'CPPO' || !!p['offerId']);
  const planned: PlannedWebhook[] = [];
  if (type === 'entitlement.updated' || !complete)
    planned.push({ type: 'entitlement.updated', key: envelope.messageId, at });
  if (complete)
    planned.push({
      type: 'entitlement.activated',
      key: `${String(p['entitlementId'])}:activated`,
      at: timeOfId(String(p['entitlementId'])) ?? new Date(0),
    });
  return planned;
}

/**
 * What an agreement notice means for the buyer's entitlement, as its own webhook (besides `agreement.notice`):
 * a cancellation request pending (`entitlement.cancellation_requested`) or ended — approved, rejected, withdrawn
 * (AWS: Cancelled) or refused (Validation Failed) — (`entitlement.cancellation_resolved`, `stage` says how), a
 * billing adjustment (refund) completed (`entitlement.adjusted`). On a CPPO the partner asks and the buyer
 * answers; the ISV hears it (AWS withholds amounts and messages from it).
 */
function lifecycleOf(envelope: MessageEnvelope, at: Date): PlannedWebhook[] {
  const { notice, stage } = envelope.payload as { notice?: string; stage?: string };
  let type: WebhookEventType | undefined;
  if (notice === 'cancellation-request')
    type =
      stage === 'Pending Approval'
        ? 'entitlement.cancellation_requested'
        : 'entitlement.cancellation_resolved';
  else if (notice === 'billing-adjustment' && stage === 'Completed') type = 'entitlement.adjusted';
  return type ? [{ type, key: `${envelope.messageId}:${type}`, at }] : [];
}

/**
 * An entitlement ended because another agreement replaced or renewed it: `entitlement.replaced` too, once per
 * entitlement, naming the successor (`nextAgreementId`, and `nextEntitlementId` once that one is known).
 */
function replacedOf(envelope: MessageEnvelope, at: Date): PlannedWebhook[] {
  const p = envelope.payload as { status?: string; entitlementId?: string };
  if (p.status !== 'REPLACED' && p.status !== 'RENEWED') return [];
  return [{ type: 'entitlement.replaced', key: `${String(p.entitlementId)}:replaced`, at }];
}

/** The webhook body of a bus event: `{ type, timestamp, data }`, `data` carrying the entity's `version`. */
export function webhookBody(envelope: MessageEnvelope, type: string): string {
  const payload = envelope.payload as Record<string, unknown>;
  const data = {
    ...payload,
    // Entitlements count their versions; other entities change once per event, at its time (ms).
    version: typeof payload['version'] === 'number' ? payload['version'] : Date.parse(envelope.occurredAt),
  };
  return JSON.stringify({ type, timestamp: envelope.occurredAt, data });
}
