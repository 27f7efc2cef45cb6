import { IsArray, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { AwsEventV1 } from '../aws-event.v1';

/** `cppo.offerset.released.v1`: an offer set (several offers released together) on the ISV's product. */
export class OfferSetReleasedV1 extends AwsEventV1 {
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
