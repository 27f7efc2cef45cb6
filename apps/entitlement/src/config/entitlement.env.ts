import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min } from 'class-validator';
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

  /**
   * Hosts (comma-separated) whose signup URL may be plain http (a developer's local page); every other
   * signup URL must be https. `npm start` sets `localhost,127.0.0.1`.
   */
  @IsString()
  SIGNUP_URL_HTTP_HOSTS = '';

  /** How long the token our landing hands the signup page may be redeemed. */
  @Type(() => Number)
  @IsInt()
  @Min(60_000)
  REGISTRATION_TOKEN_TTL_MS = 3_600_000;
}
