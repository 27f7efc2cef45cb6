/**
 * Routing keys on the `cppo.events` topic exchange, `cppo.<entity>.<event>.v<N>`.
 *
 * NEVER RENAME A KEY. Consumers outside this repository bind to them. A breaking payload change adds a
 * new `.v2` key next to the old one.
 */
export const RoutingKeys = {
  OpportunityCreated: 'cppo.opportunity.created.v1',
  OpportunityPublished: 'cppo.opportunity.published.v1',
  OpportunityFailed: 'cppo.opportunity.failed.v1',
  OpportunityExpired: 'cppo.opportunity.expired.v1',
  OpportunityExpiring: 'cppo.opportunity.expiring.v1',
  OpportunityRestricted: 'cppo.opportunity.restricted.v1',
  OfferReleased: 'cppo.offer.released.v1',
  OfferLinked: 'cppo.offer.linked.v1',
  AgreementCreated: 'cppo.agreement.created.v1',
  AgreementAmended: 'cppo.agreement.amended.v1',
  AgreementEnded: 'cppo.agreement.ended.v1',
  LicenseUpdated: 'cppo.license.updated.v1',
  LicenseDeprovisioned: 'cppo.license.deprovisioned.v1',
  AgreementNotice: 'cppo.agreement.notice.v1',
  OfferSetReleased: 'cppo.offerset.released.v1',
  EntitlementCreated: 'cppo.entitlement.created.v1',
  EntitlementActivated: 'cppo.entitlement.activated.v1',
  EntitlementUpdated: 'cppo.entitlement.updated.v1',
  EntitlementEnded: 'cppo.entitlement.ended.v1',
  RegistrationCompleted: 'cppo.registration.completed.v1',
  UsageRecorded: 'cppo.usage.recorded.v1',
  MeteringReported: 'cppo.metering.reported.v1',
  MeteringFailed: 'cppo.metering.failed.v1',
  ChangeSetSucceeded: 'cppo.changeset.succeeded.v1',
  ChangeSetFailed: 'cppo.changeset.failed.v1',
  ChangeSetCancelled: 'cppo.changeset.cancelled.v1',
  FinanceExceptionOpened: 'cppo.finance.exception.opened.v1',
} as const;

export type RoutingKey = (typeof RoutingKeys)[keyof typeof RoutingKeys];

export const ALL_ROUTING_KEYS: readonly RoutingKey[] = Object.values(RoutingKeys);

/** The exchange every service publishes to. */
export const EVENTS_EXCHANGE = 'cppo.events';
