import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

/** `GET /v1/entitlements/{id}/usage`: the hours asked for. */
export class UsageRangeQuery {
  @ApiPropertyOptional({ description: 'first hour (ISO 8601); default 24 hours before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'end, exclusive (ISO 8601); default the end of the current hour' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
