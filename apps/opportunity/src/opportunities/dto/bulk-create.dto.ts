import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray } from 'class-validator';
import { IsAwsAccountId, Nested } from '@cppo/contracts';
import { CreateOpportunityDto } from './create-opportunity.dto';

/** The terms every partner of a bulk create gets: an opportunity's, without its reseller. */
export class BulkTermsDto extends OmitType(CreateOpportunityDto, ['resellerAccountId', 'key'] as const) {}

/** `POST /v1/opportunities/bulk`. */
export class BulkCreateOpportunitiesDto {
  @ApiProperty({ type: BulkTermsDto })
  @Nested(() => BulkTermsDto)
  terms: BulkTermsDto;

  @ApiProperty({ type: [String], minItems: 1, maxItems: 50, uniqueItems: true, example: ['111122223333'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsAwsAccountId({ each: true })
  resellerAccountIds: string[];
}

export class BatchItemView {
  @ApiProperty() resellerAccountId: string;
  @ApiPropertyOptional({ description: "the partner's name in the org's directory" }) partnerName?: string;
  @ApiProperty() opportunityId: string;
  @ApiProperty({ description: 'the opportunity status: PENDING, ACTIVE, FAILED, …' }) status: string;
  @ApiPropertyOptional({ type: [String], description: "AWS's reasons, when it failed" }) errors?: string[];
}

export class BatchView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() productId: string;
  @ApiProperty({ enum: ['RUNNING', 'DONE'], description: 'DONE when no opportunity is PENDING' }) status:
    | 'RUNNING'
    | 'DONE';
  @ApiProperty({ description: 'opportunities per status' }) counts: Record<string, number>;
  @ApiProperty({ type: [BatchItemView] }) items: BatchItemView[];
  @ApiProperty() createdAt: string;
}
