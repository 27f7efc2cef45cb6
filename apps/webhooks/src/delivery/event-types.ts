import { RoutingKeys, type MessageEnvelope, type RoutingKey } from '@cppo/contracts';

/** The bus events that become webhooks, and the webhook type each becomes (docs/api.md lists their data). */
export const WEBHOOK_TYPES = {
  [RoutingKeys.OpportunityCreated]: 'opportunity.created',
  [RoutingKeys.OpportunityPublished]: 'opportunity.published',
  [RoutingKeys.OpportunityFailed]: 'opportunity.failed',
  [RoutingKeys.OpportunityRestricted]: 'opportunity.restricted',
  [RoutingKeys.OpportunityExpired]: 'opportunity.expired',
  [RoutingKeys.OfferReleased]: 'offer.released',
  [RoutingKeys.EntitlementCreated]: 'entitlement.created',
  [RoutingKeys.EntitlementActivated]: 'entitlement.activated',
  [RoutingKeys.EntitlementUpdated]: 'entitlement.updated',
  [RoutingKeys.EntitlementEnded]: 'entitlement.ended',
  [RoutingKeys.RegistrationCompleted]: 'registration.completed',
  [RoutingKeys.MeteringReported]: 'metering.report.reported',
  [RoutingKeys.MeteringFailed]: 'metering.report.flagged',
  [RoutingKeys.AgreementNotice]: 'agreement.notice',
} as const satisfies Partial<Record<RoutingKey, string>>;

export type BusKey = keyof typeof WEBHOOK_TYPES;
export const WEBHOOK_SUBSCRIPTIONS = Object.keys(WEBHOOK_TYPES) as BusKey[];

export const TEST_EVENT_TYPE = 'webhook.test';

/** Every type an endpoint may ask for. */
export const EVENT_TYPES: readonly string[] = [...Object.values(WEBHOOK_TYPES), TEST_EVENT_TYPE];

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
