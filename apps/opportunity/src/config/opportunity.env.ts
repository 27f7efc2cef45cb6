import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { AwsServiceEnv } from '@cppo/platform';

export class OpportunityEnv extends AwsServiceEnv {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  override PORT = 3001;

  /** How often the publisher looks for opportunities to submit or change sets to poll. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  CHANGE_SET_TICK_MS = 1000;

  /** First DescribeChangeSet poll after a submit (notifications usually arrive first); doubles up to the max. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  CHANGE_SET_POLL_INITIAL_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  CHANGE_SET_POLL_MAX_MS = 600_000;

  /** Retries of one Catalog call on throttling, 5xx, ResourceInUse and network errors. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(20)
  CATALOG_MAX_RETRIES = 8;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  CATALOG_RETRY_MIN_MS = 200;

  /** How often expired opportunities are marked EXPIRED and ACTIVE ones reconciled with DescribeEntity. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  EXPIRY_CHECK_MS = 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  PRODUCT_CACHE_TTL_MS = 300_000;

  /** Fault injection for crash tests only: `after-start-change-set` kills the process right there. */
  @IsOptional()
  @IsIn(['after-start-change-set'])
  CPPO_FAILPOINT?: string;
}
