import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import type { RegistrationSettingsJson } from '@cppo/views/types';

/** `PUT /v1/registrations/settings`. */
export class RegistrationSettingsDto {
  @ApiProperty({
    example: 'https://app.example.com/signup',
    description: 'https (http only to SIGNUP_URL_HTTP_HOSTS)',
  })
  @IsString()
  @MaxLength(2048)
  @Matches(/^https?:\/\/\S+$/, { message: 'signupUrl must be an absolute http(s) URL' })
  signupUrl: string;
}

export class RegistrationSettingsView implements RegistrationSettingsJson {
  @ApiPropertyOptional({ description: "the ISV's signup page the buyer is sent on to" }) signupUrl?: string;
  @ApiProperty({
    description:
      "the path of this service to give AWS as the product's fulfillment URL (behind your public host)",
    example: '/v1/registrations/landing/org_…',
  })
  landingPath: string;
}

/** `POST /v1/registrations/redeem`. */
export class RedeemDto {
  @ApiProperty({ description: 'the cppo_registration parameter the signup page was opened with' })
  @Matches(/^crt_[A-Za-z0-9_-]{43}$/, { message: 'token must be the cppo_registration value as received' })
  token: string;

  @ApiProperty({ description: "the ISV's own id for this buyer" })
  @Matches(/^[\w.:@-]{1,200}$/, { message: 'tenantId must be 1-200 letters, digits, _ . : @ -' })
  tenantId: string;
}

export class RedeemView {
  @ApiProperty({
    enum: ['LINKED', 'PENDING'],
    description: 'PENDING: linked by itself when the entitlement arrives',
  })
  status: 'LINKED' | 'PENDING';
  @ApiProperty() customerAwsAccountId: string;
  @ApiPropertyOptional() licenseArn?: string;
  @ApiProperty() productCode: string;
  @ApiPropertyOptional() entitlementId?: string;
}
