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

  @IsInt()
  @Min(0)
  quantity: number;

  @IsEnum(MeteringReportStatus)
  status: MeteringReportStatus;

  @IsOptional()
  @IsString()
  meteringRecordId?: string;

  @IsOptional()
  @IsString()
  reason?: string;
}
