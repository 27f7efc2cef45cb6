import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { EntitlementStatus, EntitlementType, IsAwsAccountId } from '@cppo/contracts';
import { PageQuery } from '@cppo/platform';

const ID = /^[\w.:-]{1,200}$/;

export class EntitlementListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EntitlementType })
  @IsOptional()
  @IsEnum(EntitlementType)
  type?: EntitlementType;

  @ApiPropertyOptional({ enum: EntitlementStatus })
  @IsOptional()
  @IsEnum(EntitlementStatus)
  status?: EntitlementStatus;

  @ApiPropertyOptional({ description: 'our CPPO offer id' })
  @IsOptional()
  @Matches(ID, { message: 'offerId must be an offer id' })
  offerId?: string;

  @ApiPropertyOptional({ description: 'our CPPO_OUT opportunity id' })
  @IsOptional()
  @Matches(ID, { message: 'opportunityId must be an opportunity id' })
  opportunityId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsAwsAccountId()
  buyerAccountId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[\w-]{1,50}$/, { message: 'productId must be an AWS product id' })
  productId?: string;

  @ApiPropertyOptional({ description: "the entitlement of one AWS agreement (a chain's previous or next)" })
  @IsOptional()
  @Matches(ID, { message: 'agreementId must be an agreement id' })
  agreementId?: string;

  @ApiPropertyOptional({ description: 'entitlements of one offer set' })
  @IsOptional()
  @Matches(ID, { message: 'offerSetId must be an offer set id' })
  offerSetId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 366,
    description: 'renewals: in force (ACTIVE or PENDING_CANCELLATION) and ending within this many days',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  endingWithinDays?: number;
}

/** Exactly one way of asking: a licence, a buyer account with a product, or the ISV's tenant id. */
export class EntitlementLookupQuery {
  @ApiPropertyOptional({ description: 'the licence ARN AWS gave the buyer' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^arn:[\w-]+:license-manager:/, { message: 'licenseArn must be a licence ARN' })
  licenseArn?: string;

  @ApiPropertyOptional({ description: "the buyer's AWS account (with productId)" })
  @ValidateIf(
    (q: EntitlementLookupQuery) => q.productId !== undefined || q.customerAwsAccountId !== undefined,
  )
  @IsAwsAccountId({ message: 'customerAwsAccountId must be a 12-digit AWS account id (with productId)' })
  customerAwsAccountId?: string;

  @ApiPropertyOptional({ description: 'the product (with customerAwsAccountId)' })
  @ValidateIf(
    (q: EntitlementLookupQuery) => q.customerAwsAccountId !== undefined || q.productId !== undefined,
  )
  @Matches(/^[\w-]{1,50}$/, { message: 'productId must be an AWS product id (with customerAwsAccountId)' })
  productId?: string;

  @ApiPropertyOptional({ description: "the ISV's own id for the buyer (POST /v1/registrations)" })
  @IsOptional()
  @Matches(/^[\w.:@-]{1,200}$/, { message: 'tenantId must be 1-200 letters, digits, _ . : @ -' })
  tenantId?: string;
}
