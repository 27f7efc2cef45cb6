import { IsEnum, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { EntitlementStatus, EntitlementType } from '../enums';

/** Shared shape of `cppo.entitlement.{activated,updated,ended}.v1`. */
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
}
