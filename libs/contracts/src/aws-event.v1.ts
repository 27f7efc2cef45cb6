import { IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsAwsAccountId } from './validation';

/** What every payload derived from one AWS notification carries. */
export class AwsEventV1 {
  /** The AWS notification id this was derived from (EventBridge `id`). */
  @IsString()
  @IsNotEmpty()
  eventId: string;

  /** When AWS says it happened. */
  @IsISO8601()
  eventTime: string;
}

/** An AWS notification about one agreement: the agreement and the parties AWS names. */
export class AgreementScopedV1 extends AwsEventV1 {
  @IsString()
  @IsNotEmpty()
  agreementId: string;

  @IsOptional()
  @IsString()
  awsOfferId?: string;

  @IsOptional()
  @IsString()
  productId?: string;

  @IsOptional()
  @IsAwsAccountId()
  acceptorAccountId?: string;

  @IsOptional()
  @IsAwsAccountId()
  proposerAccountId?: string;
}
