import { IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsAwsAccountId } from '../validation';

/** Shared shape of `cppo.license.{updated,deprovisioned}.v1`. */
export class LicenseEventV1 {
  @IsString()
  @IsNotEmpty()
  eventId: string;

  @IsISO8601()
  eventTime: string;

  @IsString()
  @IsNotEmpty()
  agreementId: string;

  /** Normalized to start with `arn:` (AWS examples omit it). */
  @IsOptional()
  @IsString()
  licenseArn?: string;

  @IsOptional()
  @IsString()
  productId?: string;

  @IsOptional()
  @IsString()
  productCode?: string;

  @IsOptional()
  @IsString()
  awsOfferId?: string;

  @IsOptional()
  @IsAwsAccountId()
  acceptorAccountId?: string;

  @IsOptional()
  @IsAwsAccountId()
  proposerAccountId?: string;
}
