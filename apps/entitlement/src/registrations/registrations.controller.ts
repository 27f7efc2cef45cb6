import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrgId } from '@cppo/platform';
import { EntitlementView } from '@cppo/views';
import { RegistrationDto } from './dto/registration.dto';
import { RegistrationService } from './registration.service';

/** The ISV's registration page hands over the buyer's token and its own tenant id (RegistrationService). */
@ApiTags('registrations')
@Controller('v1/registrations')
export class RegistrationsController {
  constructor(private readonly registrations: RegistrationService) {}

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: EntitlementView })
  async register(@OrgId() orgId: string, @Body() body: RegistrationDto): Promise<EntitlementView> {
    return EntitlementView.from(await this.registrations.register(orgId, body.token, body.tenantId));
  }
}
