import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { AwsServiceEnv } from '@cppo/runtime';

export class OfferIngestEnv extends AwsServiceEnv {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  override PORT = 3002;

  /** The queue EventBridge (and SNS) deliver AWS Marketplace notifications to. */
  @Matches(/^https?:\/\/\S+$/, { message: 'SQS_QUEUE_URL must be an http(s) queue URL' })
  SQS_QUEUE_URL: string;

  /** Endpoint override (an SQS emulator); unset = real AWS SQS. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'SQS_ENDPOINT must be an http(s) URL' })
  SQS_ENDPOINT?: string;

  /** Receive loops per replica (each long-polls up to SQS_BATCH_SIZE messages). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  INGEST_CONCURRENCY = 4;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  SQS_BATCH_SIZE = 10;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(20)
  SQS_WAIT_TIME_SECONDS = 20;

  /** Visibility timeout while a message is processed; extended by a heartbeat while work goes on. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(43200)
  SQS_VISIBILITY_TIMEOUT = 60;

  /**
   * Longest one notification may take. Past it the message is given up for this delivery (not deleted:
   * SQS delivers it again), so that a hung dependency cannot hold a batch, and extend its visibility,
   * forever. The work may still finish later; it is idempotent.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  INGEST_MESSAGE_TIMEOUT_MS = 30_000;
}
