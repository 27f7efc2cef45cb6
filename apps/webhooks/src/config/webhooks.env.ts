import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, Validate } from 'class-validator';
import { BaseEnv } from '@cppo/runtime';
import { RetryScheduleRule } from '../delivery/retry-schedule';

export class WebhooksEnv extends BaseEnv {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  override PORT = 3005;

  /**
   * Bus events in flight (unacknowledged) at once: each mostly waits for the shared insert of the messages
   * events make (a group commit), so more in flight means bigger batches (the webhooks bench: 816 deliveries/s
   * at 200, about 540 at the common default of 20).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  override RABBITMQ_PREFETCH = 200;

  /**
   * The key that encrypts endpoints' signing secrets at rest (AES-256-GCM): 32 bytes, base64 or hex.
   * Required: without it no secret could be read back. `npm start` makes one and keeps it.
   */
  @IsString()
  @Matches(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, {
    message: 'WEBHOOK_SECRET_KEY must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)',
  })
  WEBHOOK_SECRET_KEY: string;

  /**
   * Delays before each attempt, comma-separated (`0`, `500ms`, `5s`, `5m`, `2h`); after the last one fails
   * the message gives up. Default: the Standard Webhooks schedule.
   */
  @Validate(RetryScheduleRule)
  WEBHOOK_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,14h,20h,24h';

  /** Longest an attempt may take, connection to the end of the answer's headers. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 15_000;

  /** Hosts (`host` or `host:port`) the SSRF guard lets through, comma-separated; http is allowed to them. */
  @IsString()
  WEBHOOK_ALLOWED_HOSTS = '';

  /** How long after a rotation the old secret still signs (each delivery carries both signatures). */
  @Validate(RetryScheduleRule)
  WEBHOOK_SECRET_OVERLAP = '24h';

  /** An endpoint whose every attempt failed for this long is disabled. */
  @Validate(RetryScheduleRule)
  WEBHOOK_DISABLE_AFTER = '5d';

  /** Attempts in flight at once to one endpoint (per replica); other endpoints never wait for them. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  WEBHOOK_ENDPOINT_CONCURRENCY = 8;

  /** How often messages due for a retry that no replica holds in memory are looked for. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  WEBHOOK_POLL_MS = 5_000;
}
