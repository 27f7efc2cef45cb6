import { IsArray, IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsAwsAccountId } from '../validation';

/** `cppo.offer.released.v1`: a channel partner released a CPPO offer on one of the ISV's products. */
export class OfferReleasedV1 {
  /** Our CPPO offer id. */
  @IsString()
  @IsNotEmpty()
  offerId: string;

  @IsString()
  @IsNotEmpty()
  awsOfferId: string;

  @IsOptional()
  @IsString()
  name?: string;

  @IsString()
  @IsNotEmpty()
  productId: string;

  @IsAwsAccountId()
  partnerAccountId: string;

  @IsArray()
  @IsAwsAccountId({ each: true })
  buyerAccountIds: string[];

  @IsOptional()
  @IsISO8601()
  expirationDate?: string;

  /** Our CPPO_OUT opportunity, when the offer could be linked at once. */
  @IsOptional()
  @IsString()
  opportunityId?: string;

  @IsOptional()
  @IsString()
  resaleAuthorizationId?: string;
}
