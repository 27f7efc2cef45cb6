import { Body, Controller, Get, HttpCode, Param, Post, Put, Redirect } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrgId, Public } from '@cppo/platform';
import { RedeemDto, RedeemView, RegistrationSettingsDto, RegistrationSettingsView } from './dto/landing.dto';
import { LandingService } from './landing.service';

const landingPath = (orgId: string) => `/v1/registrations/landing/${orgId}`;

/** AWS's registration POST lands here; the ISV's signup page redeems what it got. */
@ApiTags('registrations')
@Controller('v1/registrations')
export class LandingController {
  constructor(private readonly landing: LandingService) {}

  @Put('settings')
  @ApiOkResponse({ type: RegistrationSettingsView })
  async setSettings(
    @OrgId() orgId: string,
    @Body() body: RegistrationSettingsDto,
  ): Promise<RegistrationSettingsView> {
    await this.landing.setSignupUrl(orgId, body.signupUrl);
    return { signupUrl: await this.landing.signupUrl(orgId), landingPath: landingPath(orgId) };
  }

  @Get('settings')
  @ApiOkResponse({ type: RegistrationSettingsView })
  async settings(@OrgId() orgId: string): Promise<RegistrationSettingsView> {
    const signupUrl = await this.landing.signupUrl(orgId);
    return { ...(signupUrl ? { signupUrl } : {}), landingPath: landingPath(orgId) };
  }

  /**
   * The product's fulfillment URL: AWS's form POST (`x-amzn-marketplace-token`) → 302 to the signup URL with
   * `?cppo_registration=<token>`, or `?cppo_registration_error=<code>`. Public (AWS's browser redirect carries
   * no key), limited per client address like every keyless request.
   */
  @Public()
  @Post('landing/:orgId')
  @Redirect(undefined, 302)
  @ApiExcludeEndpoint(false)
  async land(@Param('orgId') orgId: string, @Body() body: unknown): Promise<{ url: string }> {
    const token =
      body && typeof body === 'object'
        ? (body as Record<string, unknown>)['x-amzn-marketplace-token']
        : undefined;
    return { url: await this.landing.land(orgId, token) };
  }

  @Post('redeem')
  @HttpCode(200)
  @ApiOkResponse({ type: RedeemView })
  async redeem(@OrgId() orgId: string, @Body() body: RedeemDto): Promise<RedeemView> {
    const { status, registration, entitlement } = await this.landing.redeem(orgId, body.token, body.tenantId);
    const licenseArn = registration.licenseArn ?? entitlement?.licenseArn;
    return {
      status,
      customerAwsAccountId: registration.customerAwsAccountId,
      ...(licenseArn ? { licenseArn } : {}),
      productCode: registration.productCode,
      ...(entitlement ? { entitlementId: entitlement._id } : {}),
    };
  }
}
