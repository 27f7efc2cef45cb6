import { IsEnum, IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';
import { EntitlementStatus, EntitlementType } from '../enums';

/** Shared shape of `cppo.entitlement.{created,activated,updated,ended}.v1`. */
export class EntitlementEventV1 {
  @IsString()
  @IsNotEmpty()
  entitlementId: string;

  @IsString()
  @IsNotEmpty()
  agreementId: string;

  @IsEnum(EntitlementType)
  type: EntitlementType;

  @IsEnum(EntitlementStatus)
  status: EntitlementStatus;

  @IsOptional()
  @IsString()
  opportunityId?: string;

  @IsOptional()
  @IsString()
  offerId?: string;

  @IsOptional()
  @IsString()
  buyerAccountId?: string;

  @IsOptional()
  @IsString()
  licenseArn?: string;

  @IsOptional()
  @IsString()
  productId?: string;

  /** The entitlement this one renews or replaces, and the one that renewed or replaced it. */
  @IsOptional()
  @IsString()
  previousEntitlementId?: string;

  @IsOptional()
  @IsString()
  nextEntitlementId?: string;

  @IsOptional()
  @IsString()
  nextAgreementId?: string;

  /** PENDING_CANCELLATION: the pending request's reason code (INCORRECT_TERMS_ACCEPTED, …). */
  @IsOptional()
  @IsString()
  cancellationReasonCode?: string;

  /** The offer set the partner's offer was released in. */
  @IsOptional()
  @IsString()
  offerSetId?: string;

  /** The entitlement's version after the change: a later change has a higher one (drop a lower one). */
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}
