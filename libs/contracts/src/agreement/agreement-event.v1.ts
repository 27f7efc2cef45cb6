import { IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';
import { AgreementScopedV1 } from '../aws-event.v1';

export const AGREEMENT_INTENTS = ['NEW', 'RENEW', 'AMEND', 'REPLACE'] as const;

/** Shared shape of `cppo.agreement.{created,amended,ended}.v1`, normalized from the `- Manufacturer` events. */
export class AgreementEventV1 extends AgreementScopedV1 {
  @IsOptional()
  @IsIn(AGREEMENT_INTENTS)
  intent?: (typeof AGREEMENT_INTENTS)[number];

  /** AWS AgreementStatus (ACTIVE, CANCELLED, EXPIRED, ...). */
  @IsOptional()
  @IsString()
  status?: string;

  @IsOptional()
  @IsISO8601()
  acceptanceTime?: string;

  @IsOptional()
  @IsISO8601()
  startTime?: string;

  @IsOptional()
  @IsISO8601()
  endTime?: string;

  @IsOptional()
  @IsString()
  resaleAuthorizationId?: string;

  @IsOptional()
  @IsString()
  previousAgreementId?: string;
}
