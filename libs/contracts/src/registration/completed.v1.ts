import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsAwsAccountId } from '../validation';

/**
 * `cppo.registration.completed.v1`: a buyer who came through AWS's registration POST is linked to the ISV's
 * tenant — at redemption when the entitlement was there, else as soon as it arrived.
 */
export class RegistrationCompletedV1 {
  @IsString()
  @IsNotEmpty()
  registrationId: string;

  @IsString()
  @IsNotEmpty()
  entitlementId: string;

  @IsString()
  @IsNotEmpty()
  tenantId: string;

  @IsAwsAccountId()
  customerAwsAccountId: string;

  @IsString()
  @IsNotEmpty()
  productCode: string;

  @IsOptional()
  @IsString()
  licenseArn?: string;
}
