import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { AgreementScopedV1 } from '../aws-event.v1';

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
}
