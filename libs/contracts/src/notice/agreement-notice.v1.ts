import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { AgreementScopedV1 } from '../aws-event.v1';
import { Nested } from '../validation';

export const AGREEMENT_NOTICES = [
  'cancellation-request',
  'billing-adjustment',
  'advisory-issued',
  'advisory-resolved',
  'ending',
] as const;
export type AgreementNotice = (typeof AGREEMENT_NOTICES)[number];

/**
 * `cppo.agreement.notice.v1`: what AWS tells the ISV about an agreement beyond its lifecycle — a
 * cancellation request (by the partner, answered by the buyer within 7 days), a billing adjustment, an
 * advisory issued or resolved, the agreement ending soon. Informational: the entitlement follows the
 * lifecycle events (created, amended, ended).
 */
/** The cancellation request or billing adjustment a notice is about, as AWS identifies it (no amounts). */
export class NoticeRequestV1 {
  @IsString()
  @IsNotEmpty()
  id: string;

  /** A cancellation's reason code (INCORRECT_TERMS_ACCEPTED, …) or an adjustment's. */
  @IsOptional()
  @IsString()
  reasonCode?: string;

  /** PENDING_APPROVAL, APPROVED, REJECTED, CANCELLED, VALIDATION_FAILED; COMPLETED, FAILED. */
  @IsOptional()
  @IsString()
  statusCode?: string;

  @IsOptional()
  @IsISO8601()
  createdAt?: string;

  @IsOptional()
  @IsISO8601()
  updatedAt?: string;
}

export class AgreementNoticeV1 extends AgreementScopedV1 {
  /** The AWS detail-type as received, e.g. `Agreement Cancellation Request Approved - Manufacturer`. */
  @IsString()
  @IsNotEmpty()
  detailType: string;

  @IsIn(AGREEMENT_NOTICES)
  notice: AgreementNotice;

  /** For a cancellation request or billing adjustment: Pending Approval, Approved, Completed, Failed, … */
  @IsOptional()
  @IsString()
  stage?: string;

  /** `ending`: days until the agreement ends (180, 120, 90, 60 or 30). */
  @IsOptional()
  @IsInt()
  daysBeforeEndTime?: number;

  @Nested(() => NoticeRequestV1, { optional: true })
  request?: NoticeRequestV1;
}
