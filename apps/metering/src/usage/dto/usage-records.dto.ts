import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { UsageRecordResult } from '@cppo/contracts';

export const MAX_USAGE_RECORDS = 1000;

/**
 * One usage record. Types are checked here (a wrong type fails the whole request with 400); the business
 * rules (quantity a non-negative integer, timestamp in AWS's window, entitlement active, usage dimension)
 * are checked per record, so one bad record is `rejected` and the others still count.
 */
// Stated for OpenAPI clients: one of the two ids is required.
@JSONSchema({ anyOf: [{ required: ['entitlementId'] }, { required: ['agreementId'] }] })
export class UsageRecordInput {
  @ApiPropertyOptional({ description: 'our entitlement id (give this or agreementId)' })
  @ValidateIf((o: UsageRecordInput) => o.agreementId === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  entitlementId?: string;

  @ApiPropertyOptional({ description: "the buyer's AWS agreement id (give this or entitlementId)" })
  @ValidateIf((o: UsageRecordInput) => o.entitlementId === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  agreementId?: string;

  @ApiProperty({ description: "a usage dimension key of the entitlement's product", example: 'api_calls' })
  @IsString()
  @Matches(/^[\w.:-]{1,255}$/, { message: 'dimension must be 1-255 characters of letters, digits, _ . : -' })
  dimension: string;

  @ApiProperty({ description: 'a non-negative integer', example: 120 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  quantity: number;

  @ApiProperty({ description: 'when the usage happened (ISO 8601)', example: '2026-12-01T10:15:00Z' })
  @IsISO8601({ strict: true })
  // Stated for OpenAPI clients: a four-digit year from 1000 (the validator's strict date check misreads
  // years below 100).
  @JSONSchema({ pattern: '^[1-9]\\d{3}-' })
  timestamp: string;

  @ApiProperty({ description: 'unique per org: the same key again is a duplicate, never counted twice' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  idempotencyKey: string;
}

export class UsageRecordsBody {
  @ApiProperty({ type: [UsageRecordInput], minItems: 1, maxItems: MAX_USAGE_RECORDS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_USAGE_RECORDS)
  @ValidateNested({ each: true })
  @Type(() => UsageRecordInput)
  records: UsageRecordInput[];
}

export class UsageRecordOutcome {
  @ApiProperty() idempotencyKey: string;
  @ApiProperty({ enum: UsageRecordResult }) @IsEnum(UsageRecordResult) status: UsageRecordResult;
  @ApiPropertyOptional() @IsOptional() reason?: string;
}

export class UsageRecordsResponse {
  @ApiProperty({ type: [UsageRecordOutcome], description: 'one per record, in request order' })
  results: UsageRecordOutcome[];
}
