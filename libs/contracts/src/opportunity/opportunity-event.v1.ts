import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsOptional, IsString, IsNotEmpty, ValidateNested } from 'class-validator';
import { OfferStatus } from '../enums';
import { IsAwsAccountId } from '../validation';

export class MarketplaceErrorV1 {
  @IsString()
  code: string;

  @IsString()
  message: string;

  @IsOptional()
  @IsString()
  changeName?: string;
}

/** Shared shape of every `cppo.opportunity.*.v1` payload: the opportunity as it is after the change. */
export class OpportunityEventV1 {
  @IsString()
  @IsNotEmpty()
  opportunityId: string;

  @IsString()
  @IsNotEmpty()
  productId: string;

  @IsAwsAccountId()
  resellerAccountId: string;

  @IsArray()
  @IsAwsAccountId({ each: true })
  buyerAccountIds: string[];

  @IsEnum(OfferStatus)
  status: OfferStatus;

  @IsOptional()
  @IsString()
  resaleAuthorizationId?: string;

  @IsOptional()
  @IsString()
  changeSetId?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MarketplaceErrorV1)
  errors?: MarketplaceErrorV1[];
}
