import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsAwsAccountId } from '../validation';

export const AGREEMENT_INTENTS = ['NEW', 'RENEW', 'AMEND', 'REPLACE'] as const;

/** Shared shape of `cppo.agreement.{created,amended,ended}.v1`, normalized from the `- Manufacturer` events. */
export class AgreementEventV1 {
  /** The AWS notification id this was derived from (EventBridge `id`). */
  @IsString()
  @IsNotEmpty()
  eventId: string;

  @IsISO8601()
  eventTime: string;

  @IsString()
  @IsNotEmpty()
  agreementId: string;

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
  awsOfferId?: string;

  @IsOptional()
  @IsAwsAccountId()
  acceptorAccountId?: string;

  @IsOptional()
  @IsAwsAccountId()
  proposerAccountId?: string;

  @IsOptional()
  @IsString()
  previousAgreementId?: string;

  @IsOptional()
  @IsString()
  productId?: string;
}
