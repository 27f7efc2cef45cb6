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
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
  TERMINATED = 'TERMINATED',
  RENEWED = 'RENEWED',
  REPLACED = 'REPLACED',
  DEPROVISIONED = 'DEPROVISIONED',
}

/** AWS Catalog `ChangeStatus`. */
export enum ChangeSetStatus {
  PREPARING = 'PREPARING',
  APPLYING = 'APPLYING',
  SUCCEEDED = 'SUCCEEDED',
  CANCELLED = 'CANCELLED',
  FAILED = 'FAILED',
}

export enum MeteringReportStatus {
  PENDING = 'PENDING',
  REPORTED = 'REPORTED',
  FAILED = 'FAILED',
}

export enum UsageRecordResult {
  accepted = 'accepted',
  duplicate = 'duplicate',
  rejected = 'rejected',
}
