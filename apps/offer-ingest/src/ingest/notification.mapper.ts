import {
  RoutingKeys,
  type AgreementEvent,
  type ChangeSetEvent,
  type LicenseEvent,
  type MarketplaceEvent,
  type ParsedNotification,
  type PayloadOf,
  type RoutingKey,
} from '@cppo/contracts';

/** An event for the bus: a routing key and the payload that key carries, checked together. */
export type OutgoingEvent = { [K in RoutingKey]: { key: K; payload: PayloadOf<K> } }[RoutingKey];

const AGREEMENT_KEYS = {
  created: RoutingKeys.AgreementCreated,
  amended: RoutingKeys.AgreementAmended,
  ended: RoutingKeys.AgreementEnded,
} as const;
const LICENSE_KEYS = {
  updated: RoutingKeys.LicenseUpdated,
  deprovisioned: RoutingKeys.LicenseDeprovisioned,
} as const;
const CHANGE_SET_KEYS = {
  SUCCEEDED: RoutingKeys.ChangeSetSucceeded,
  FAILED: RoutingKeys.ChangeSetFailed,
  CANCELLED: RoutingKeys.ChangeSetCancelled,
} as const;

/**
 * The normalized message for the other services, for every notification kind except `Offer Released`
 * (which becomes a CPPO offer first). Undefined for notifications we keep but do not forward.
 */
export function normalizedEvent(notification: ParsedNotification): OutgoingEvent | undefined {
  const base = { eventId: notification.eventId };
  const event: MarketplaceEvent = notification.event;
  switch (event.kind) {
    case 'agreement':
      return {
        key: AGREEMENT_KEYS[event.action],
        payload: { ...base, eventTime: notification.time, ...agreementFields(event) },
      };
    case 'license':
      return {
        key: LICENSE_KEYS[event.action],
        payload: { ...base, eventTime: notification.time, ...licenseFields(event) },
      };
    case 'change-set':
      return { key: CHANGE_SET_KEYS[event.status], payload: { ...base, ...changeSetFields(event) } };
    case 'agreement-notice': {
      const { kind: _kind, ...fields } = event;
      return {
        key: RoutingKeys.AgreementNotice,
        payload: { ...base, eventTime: notification.time, detailType: notification.detailType, ...fields },
      };
    }
    case 'offer-set-released': {
      const { kind: _kind, ...fields } = event;
      return {
        key: RoutingKeys.OfferSetReleased,
        payload: { ...base, eventTime: notification.time, ...fields },
      };
    }
    default:
      return undefined;
  }
}

/** The agreement payload is the normalized event without what only the parser needs. */
function agreementFields(e: AgreementEvent) {
  const { kind: _kind, action: _action, role: _role, autoRenewalEnabled: _renewal, ...fields } = e;
  return fields;
}

function licenseFields(e: LicenseEvent) {
  const { kind: _kind, action: _action, ...fields } = e;
  return fields;
}

function changeSetFields(e: ChangeSetEvent) {
  const { kind: _kind, ...fields } = e;
  return fields;
}
