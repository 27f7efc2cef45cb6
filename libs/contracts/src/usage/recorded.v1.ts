import {
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

/** `cppo.usage.recorded.v1`: one usage record; same fields as `POST /v1/usage-records` items. */
export class UsageRecordedV1 {
  @ValidateIf((o: UsageRecordedV1) => o.agreementId === undefined)
  @IsString()
  @IsNotEmpty()
  entitlementId?: string;

  @ValidateIf((o: UsageRecordedV1) => o.entitlementId === undefined)
  @IsString()
  @IsNotEmpty()
  agreementId?: string;

  @IsString()
  @Matches(/^[\w.:-]{1,255}$/, { message: 'dimension must be 1-255 characters of letters, digits, _ . : -' })
  dimension: string;

  @IsInt()
  @Min(0)
  @Max(2147483647)
  quantity: number;

  @IsISO8601({ strict: true })
  timestamp: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  idempotencyKey: string;

  @IsOptional()
  @IsString()
  source?: string;
}
