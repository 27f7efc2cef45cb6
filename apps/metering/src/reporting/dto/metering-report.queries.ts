import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional, Matches } from 'class-validator';
import { MeteringReportStatus } from '@cppo/contracts';
import { PageQuery } from '@cppo/platform';
import { toBoolean } from '@cppo/runtime';
import { MeteringReportView } from '@cppo/views';

/** `GET /v1/metering-reports`: its filters. */
export class MeteringReportListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MeteringReportStatus })
  @IsOptional()
  @IsEnum(MeteringReportStatus)
  status?: MeteringReportStatus;

  @ApiPropertyOptional({ description: 'only reports that need a person (true) or only the others (false)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  flagged?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[\w.:-]{1,200}$/, { message: 'entitlementId must be an entitlement id' })
  entitlementId?: string;
}

export class MeteringReportPage {
  @ApiProperty({ type: [MeteringReportView] }) items: MeteringReportView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
