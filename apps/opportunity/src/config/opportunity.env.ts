import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { AwsServiceEnv } from '@cppo/runtime';

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

  /** How often expired opportunities are marked EXPIRED and ACTIVE ones reconciled with DescribeEntity. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  EXPIRY_CHECK_MS = 60_000;
}
