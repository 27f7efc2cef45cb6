import { IsEnum, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';
import { MeteringReportStatus } from '../enums';

/** Shared shape of `cppo.metering.{reported,failed}.v1`: one (entitlement, dimension, hour) report. */
export class MeteringEventV1 {
  @IsString()
  @IsNotEmpty()
  reportId: string;

  @IsString()
  @IsNotEmpty()
  entitlementId: string;

  @IsString()
  @IsNotEmpty()
  dimension: string;

  @IsISO8601()
  hour: string;

  /** The quantity sent to AWS: the hour's overage. */
  @IsInt()
  @Min(0)
  quantity: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  usageQuantity?: number;

  /** Wholesale value of the overage (the opportunity's usage price × quantity), a decimal string. */
  @IsOptional()
  @IsString()
  wholesaleValue?: string;

  @IsEnum(MeteringReportStatus)
  status: MeteringReportStatus;

  @IsOptional()
  @IsString()
  meteringRecordId?: string;

  @IsOptional()
  @IsString()
  reason?: string;
}
