import { AgreementAmendedV1 } from './agreement/amended.v1';
import { AgreementCreatedV1 } from './agreement/created.v1';
import { AgreementEndedV1 } from './agreement/ended.v1';
import { ChangeSetCancelledV1 } from './changeset/cancelled.v1';
import { ChangeSetFailedV1 } from './changeset/failed.v1';
import { ChangeSetSucceededV1 } from './changeset/succeeded.v1';
import { EntitlementActivatedV1 } from './entitlement/activated.v1';
import { EntitlementCreatedV1 } from './entitlement/created.v1';
import { EntitlementEndedV1 } from './entitlement/ended.v1';
import { EntitlementUpdatedV1 } from './entitlement/updated.v1';
import { LicenseDeprovisionedV1 } from './license/deprovisioned.v1';
import { LicenseUpdatedV1 } from './license/updated.v1';
import { MeteringFailedV1 } from './metering/failed.v1';
import { MeteringReportedV1 } from './metering/reported.v1';
import { OfferLinkedV1 } from './offer/linked.v1';
import { OfferReleasedV1 } from './offer/released.v1';
import { OpportunityCreatedV1 } from './opportunity/created.v1';
import { OpportunityExpiredV1 } from './opportunity/expired.v1';
import { OpportunityExpiringV1 } from './opportunity/expiring.v1';
import { OpportunityFailedV1 } from './opportunity/failed.v1';
import { OpportunityPublishedV1 } from './opportunity/published.v1';
import { OpportunityRestrictedV1 } from './opportunity/restricted.v1';
import { RoutingKeys, type RoutingKey } from './routing-keys';
import { AgreementNoticeV1 } from './notice/agreement-notice.v1';
import { OfferSetReleasedV1 } from './notice/offer-set-released.v1';
import { RegistrationCompletedV1 } from './registration/completed.v1';
import { FinanceExceptionOpenedV1 } from './finance/exception-opened.v1';
import { UsageRecordedV1 } from './usage/recorded.v1';

/** Routing key → payload class. The publisher is typed by it; consumers validate with it. */
export const PayloadClasses = {
  [RoutingKeys.OpportunityCreated]: OpportunityCreatedV1,
  [RoutingKeys.OpportunityPublished]: OpportunityPublishedV1,
  [RoutingKeys.OpportunityFailed]: OpportunityFailedV1,
  [RoutingKeys.OpportunityExpired]: OpportunityExpiredV1,
  [RoutingKeys.OpportunityExpiring]: OpportunityExpiringV1,
  [RoutingKeys.OpportunityRestricted]: OpportunityRestrictedV1,
  [RoutingKeys.OfferReleased]: OfferReleasedV1,
  [RoutingKeys.OfferLinked]: OfferLinkedV1,
  [RoutingKeys.AgreementCreated]: AgreementCreatedV1,
  [RoutingKeys.AgreementAmended]: AgreementAmendedV1,
  [RoutingKeys.AgreementEnded]: AgreementEndedV1,
  [RoutingKeys.LicenseUpdated]: LicenseUpdatedV1,
  [RoutingKeys.LicenseDeprovisioned]: LicenseDeprovisionedV1,
  [RoutingKeys.AgreementNotice]: AgreementNoticeV1,
  [RoutingKeys.OfferSetReleased]: OfferSetReleasedV1,
  [RoutingKeys.EntitlementCreated]: EntitlementCreatedV1,
  [RoutingKeys.EntitlementActivated]: EntitlementActivatedV1,
  [RoutingKeys.EntitlementUpdated]: EntitlementUpdatedV1,
  [RoutingKeys.EntitlementEnded]: EntitlementEndedV1,
  [RoutingKeys.RegistrationCompleted]: RegistrationCompletedV1,
  [RoutingKeys.FinanceExceptionOpened]: FinanceExceptionOpenedV1,
  [RoutingKeys.UsageRecorded]: UsageRecordedV1,
  [RoutingKeys.MeteringReported]: MeteringReportedV1,
  [RoutingKeys.MeteringFailed]: MeteringFailedV1,
  [RoutingKeys.ChangeSetSucceeded]: ChangeSetSucceededV1,
  [RoutingKeys.ChangeSetFailed]: ChangeSetFailedV1,
  [RoutingKeys.ChangeSetCancelled]: ChangeSetCancelledV1,
} as const satisfies Record<RoutingKey, new () => object>;

export type PayloadOf<K extends RoutingKey> = InstanceType<(typeof PayloadClasses)[K]>;
