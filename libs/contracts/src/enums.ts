/** `CPPO_OUT`: a resell opportunity the ISV grants (an AWS resale authorization). `CPPO`: a partner's offer. */
export enum OfferType {
  CPPO_OUT = 'CPPO_OUT',
  CPPO = 'CPPO',
}

/** Lifecycle of a CPPO_OUT opportunity; CPPO offers use RELEASED. */
export enum OfferStatus {
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
  RESTRICTED = 'RESTRICTED',
  RELEASED = 'RELEASED',
}

export enum EntitlementType {
  CPPO = 'CPPO',
  DIRECT = 'DIRECT',
}

export enum EntitlementStatus {
  PENDING_START = 'PENDING_START',
  ACTIVE = 'ACTIVE',
  /** Active, with a cancellation request pending the buyer's answer (approved by AWS after 7 days). */
  PENDING_CANCELLATION = 'PENDING_CANCELLATION',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
  TERMINATED = 'TERMINATED',
  RENEWED = 'RENEWED',
  REPLACED = 'REPLACED',
  DEPROVISIONED = 'DEPROVISIONED',
}

/** The statuses of an entitlement that has ended (its agreement is over or its licence withdrawn). */
export const ENDED_ENTITLEMENT_STATUSES: ReadonlySet<EntitlementStatus> = new Set([
  EntitlementStatus.CANCELLED,
  EntitlementStatus.EXPIRED,
  EntitlementStatus.TERMINATED,
  EntitlementStatus.RENEWED,
  EntitlementStatus.REPLACED,
  EntitlementStatus.DEPROVISIONED,
]);

/** AWS Catalog `ChangeStatus`. */
export enum ChangeSetStatus {
  PREPARING = 'PREPARING',
  APPLYING = 'APPLYING',
  SUCCEEDED = 'SUCCEEDED',
  CANCELLED = 'CANCELLED',
  FAILED = 'FAILED',
}

/**
 * One (entitlement, dimension, hour) report. PENDING until AWS answered; REPORTED with AWS's record id;
 * NO_OVERAGE when nothing was due and zero records are switched off; the others need a person (flagged):
 * CONFLICT (AWS holds another quantity for that hour: DuplicateRecord), NOT_SUBSCRIBED
 * (CustomerNotSubscribed), EXPIRED_WINDOW (AWS's window closed before it accepted the record), FAILED
 * (AWS refused the record itself, e.g. InvalidLicenseException).
 */
export enum MeteringReportStatus {
  PENDING = 'PENDING',
  REPORTED = 'REPORTED',
  NO_OVERAGE = 'NO_OVERAGE',
  CONFLICT = 'CONFLICT',
  NOT_SUBSCRIBED = 'NOT_SUBSCRIBED',
  EXPIRED_WINDOW = 'EXPIRED_WINDOW',
  FAILED = 'FAILED',
  /**
   * AWS refused the call for permissions or configuration (AccessDenied, an unknown product code, a Region
   * without the API): not the record's fault, not counted as its attempt; sent again by itself once a probe
   * of the org's AWS access succeeds.
   */
  NEEDS_ATTENTION = 'NEEDS_ATTENTION',
}

/** Report states a person may send again (after fixing the cause: a subscription, a licence, AWS support). */
export const RETRYABLE_METERING_REPORT_STATUSES: readonly MeteringReportStatus[] = [
  MeteringReportStatus.CONFLICT,
  MeteringReportStatus.NOT_SUBSCRIBED,
  MeteringReportStatus.EXPIRED_WINDOW,
  MeteringReportStatus.FAILED,
  MeteringReportStatus.NEEDS_ATTENTION,
];

export enum UsageRecordResult {
  accepted = 'accepted',
  duplicate = 'duplicate',
  rejected = 'rejected',
}
