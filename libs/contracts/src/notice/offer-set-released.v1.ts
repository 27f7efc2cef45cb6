import { IsArray, IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** `cppo.offerset.released.v1`: an offer set (several offers released together) on the ISV's product. */
export class OfferSetReleasedV1 {
  @IsString()
  @IsNotEmpty()
  eventId: string;

  @IsISO8601()
  eventTime: string;

  @IsString()
  @IsNotEmpty()
  offerSetId: string;

  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  awsOfferIds?: string[];
}
