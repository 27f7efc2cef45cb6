import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { AwsServiceEnv } from '@cppo/runtime';

export class EntitlementEnv extends AwsServiceEnv {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  override PORT = 3003;

  /** How often entitlements missing a link, a start time or the Agreement API's answer are looked at again. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  ENTITLEMENT_SWEEP_MS = 30_000;
}
