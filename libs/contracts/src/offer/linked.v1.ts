import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** `cppo.offer.linked.v1`: a CPPO offer is now linked to its CPPO_OUT opportunity. */
export class OfferLinkedV1 {
  @IsString()
  @IsNotEmpty()
  offerId: string;

  @IsString()
  @IsNotEmpty()
  awsOfferId: string;

  @IsString()
  @IsNotEmpty()
  opportunityId: string;

  @IsOptional()
  @IsString()
  resaleAuthorizationId?: string;
}
