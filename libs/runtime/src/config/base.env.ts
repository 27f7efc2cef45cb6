import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '@cppo/contracts';

/** `"true"`/`"false"` → boolean; anything else is left for IsBoolean to reject. */
export const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/**
 * What the HTTP server is made with, before the application (and its configuration module) exists: read
 * through `envValidator(HttpServerEnv)` by the bootstrap; part of every service's BaseEnv too.
 */
export class HttpServerEnv {
  /**
   * Addresses (or CIDR ranges), comma-separated, of the proxies in front of the service whose
   * X-Forwarded-For is believed: the console's proxy (Vite in `npm start`, nginx in the image). From
   * anyone else the header is ignored (anyone can send it). Empty: trust none.
   */
  @IsOptional()
  @Matches(/^[0-9a-fA-F:./,\s]*$/, { message: 'TRUSTED_PROXIES must list IP addresses or CIDR ranges' })
  TRUSTED_PROXIES = '';

  /**
   * Longest a request may take to arrive, headers and body (Fastify's requestTimeout): a client sending
   * its body a byte at a time is cut off then (408), holding no connection for longer.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;
}

/**
 * Settings every service reads from the environment. Each app extends it; `process.env` is read nowhere
 * else. A missing or malformed variable stops start-up with a message naming it.
 */
export class BaseEnv extends HttpServerEnv {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number;

  /** Loopback by default: a developer's stack is not reachable from the LAN. Containers set 0.0.0.0. */
  @IsOptional()
  @IsString()
  HOST = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Human-readable logs (development); JSON lines otherwise. */
  @Transform(toBoolean)
  @IsBoolean()
  LOG_PRETTY = false;

  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGO_URL must be a mongodb:// or mongodb+srv:// URL' })
  MONGO_URL: string;

  /**
   * How conditional writes are made: `auto` asks the server (FerretDB → read-check-write under the
   * in-process document lock; anything else → the condition in the atomic update filter); `filter` or
   * `read-check-write` force one (docs/decisions/0002-ferretdb.md).
   */
  @IsIn(['auto', 'filter', 'read-check-write'])
  MONGO_CONDITIONS: 'auto' | 'filter' | 'read-check-write' = 'auto';

  @Matches(/^amqps?:\/\/\S+$/, { message: 'RABBITMQ_URL must be an amqp:// or amqps:// URL' })
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

  @Matches(/^[\w.-]+$/, { message: 'RABBITMQ_EXCHANGE must be letters, digits, _ . -' })
  RABBITMQ_EXCHANGE = 'cppo.events';

  /** Prefix of this service's queue names; default the service name (tests use their own). */
  @IsOptional()
  @Matches(/^[\w.-]+$/, { message: 'RABBITMQ_QUEUE_PREFIX must be letters, digits, _ . -' })
  RABBITMQ_QUEUE_PREFIX?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  RABBITMQ_PREFETCH = 20;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  MESSAGE_RETRY_DELAY_MS = 5000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  MESSAGE_MAX_ATTEMPTS = 5;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 1000;

  /**
   * How long a relay (or the writer that stored them) holds a document's events while publishing; a
   * process that dies holding them delays their publication by at most this much.
   */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  OUTBOX_LEASE_MS = 30_000;

  /**
   * Requests per RATE_LIMIT_WINDOW_MS: with a valid API key, per key; without one (or with a key that is
   * not valid), per client IP. Over the limit → 429 with Retry-After. Health, metrics and docs are exempt.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_KEY = 6000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_IP = 300;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  RATE_LIMIT_WINDOW_MS = 60_000;

  /** Longest a graceful shutdown may take before the process exits anyway. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  SHUTDOWN_TIMEOUT_MS = 20000;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** `ConfigModule.forRoot({ validate })` for an env class; defaults apply to unset variables. */
export function envValidator<T extends object>(cls: new () => T): (raw: Record<string, unknown>) => T {
  return (raw) => {
    const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
    const instance = plainToInstance(cls, defined, { exposeDefaultValues: true });
    const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: false });
    if (errors.length) throw new ConfigValidationError(flattenValidationErrors(errors));
    return instance;
  };
}

/** Settings of a service that calls AWS (Marketplace APIs, SQS). */
export class AwsServiceEnv extends BaseEnv {
  /** AWS Marketplace APIs and events live in us-east-1. */
  @IsString()
  AWS_REGION = 'us-east-1';

  /** Static credentials; unset = the AWS SDK's default chain (instance role, profile, ...). */
  @IsOptional()
  @IsString()
  AWS_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  AWS_SECRET_ACCESS_KEY?: string;

  /** Endpoint override for the Marketplace APIs (the simulator); unset = real AWS. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'MARKETPLACE_ENDPOINT must be an http(s) URL' })
  MARKETPLACE_ENDPOINT?: string;

  /**
   * STS endpoint override for assuming orgs' roles; unset = MARKETPLACE_ENDPOINT when that is set (the
   * simulator serves STS too), else real AWS.
   */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'STS_ENDPOINT must be an http(s) URL' })
  STS_ENDPOINT?: string;

  /** S3 endpoint override for reading the Seller Data Delivery Service bucket (a local S3); unset = real AWS. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'SDDS_S3_ENDPOINT must be an http(s) URL' })
  SDDS_S3_ENDPOINT?: string;

  /** Retries of one AWS call on throttling, 5xx, ResourceInUse and network errors (exponential backoff). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(20)
  AWS_MAX_RETRIES = 8;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  AWS_RETRY_MIN_MS = 200;

  /** How long a product's dimensions (DescribeEntity) are cached. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  PRODUCT_CACHE_TTL_MS = 300_000;
}
