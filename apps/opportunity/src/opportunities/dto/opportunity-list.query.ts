import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, Matches } from 'class-validator';
import { IsAwsAccountId, OfferStatus } from '@cppo/contracts';
import { PageQuery } from '@cppo/platform';

export class OpportunityListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: OfferStatus })
  @IsOptional()
  @IsEnum(OfferStatus)
  status?: OfferStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[\w-]{1,50}$/, { message: 'productId must be an AWS product id' })
  productId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsAwsAccountId()
  resellerAccountId?: string;

  @ApiPropertyOptional({ description: 'the opportunities made under this key (`cppo apply`)' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/, { message: 'key must be a key as cppo apply gives them' })
  key?: string;
}
