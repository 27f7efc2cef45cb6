import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { BaseEnv } from '@cppo/platform';

export class OfferIngestEnv extends BaseEnv {
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

  @IsString()
  AWS_REGION = 'us-east-1';

  /** Static credentials; unset = the AWS SDK's default chain (instance role, profile, ...). */
  @IsOptional()
  @IsString()
  AWS_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  AWS_SECRET_ACCESS_KEY?: string;
}
