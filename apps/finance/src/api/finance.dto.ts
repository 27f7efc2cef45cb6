import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { IsAwsAccountId } from '@cppo/contracts';
import { PageQuery } from '@cppo/platform';

export class FinanceSettingsDto {
  @ApiProperty({ description: 'the S3 bucket AWS delivers the seller data feeds to', example: 'acme-sdds' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'bucket must be an S3 bucket name' })
  bucket: string;

  @ApiPropertyOptional({ description: 'the key prefix of the feeds in the bucket', example: 'sdds/' })
  @IsOptional()
  @IsString()
  @Matches(/^[\w.\-/=]{0,200}$/, { message: 'prefix must be at most 200 letters, digits, _ . - / =' })
  prefix?: string;
}

export class FinanceSettingsView {
  @ApiProperty() bucket: string;
  @ApiProperty() prefix: string;
  @ApiPropertyOptional({ description: 'the last day the imported billing events cover' }) asOf?: string;
}

export class ImportView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['RUNNING', 'DONE', 'FAILED'] }) status: string;
  @ApiProperty() filesSeen: number;
  @ApiProperty() filesImported: number;
  @ApiProperty({ description: 'already imported at their ETag' }) filesSkipped: number;
  @ApiProperty() rows: number;
  @ApiProperty({ description: 'lines that could not be read (GET /v1/finance/parked)' }) parked: number;
  @ApiPropertyOptional() error?: string;
  @ApiProperty() startedAt: string;
  @ApiPropertyOptional() finishedAt?: string;
}

const FORMAT = ['json', 'csv'] as const;

export class DealsQuery {
  @ApiPropertyOptional({ enum: ['OK', 'EXCEPTION'] })
  @IsOptional()
  @IsIn(['OK', 'EXCEPTION'])
  status?: 'OK' | 'EXCEPTION';

  @ApiPropertyOptional({ description: "the partner's AWS account" })
  @IsOptional()
  @IsAwsAccountId({ message: 'partner must be a 12-digit AWS account id' })
  partner?: string;

  @ApiPropertyOptional({ description: 'first month (YYYY-MM) with figures', example: '2026-01' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'from must be a month, YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ description: 'last month (YYYY-MM) with figures', example: '2026-12' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'to must be a month, YYYY-MM' })
  to?: string;

  @ApiPropertyOptional({ enum: FORMAT, description: 'csv: the same rows as a CSV file' })
  @IsOptional()
  @IsIn(FORMAT)
  format?: (typeof FORMAT)[number];
}

export class SummaryQuery {
  @ApiProperty({ enum: ['month', 'partner', 'product'] })
  @IsIn(['month', 'partner', 'product'])
  groupBy: 'month' | 'partner' | 'product';

  @ApiPropertyOptional({ enum: FORMAT })
  @IsOptional()
  @IsIn(FORMAT)
  format?: (typeof FORMAT)[number];
}

export class ExceptionsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['OPEN', 'RESOLVED'] })
  @IsOptional()
  @IsIn(['OPEN', 'RESOLVED'])
  status?: 'OPEN' | 'RESOLVED';
}
