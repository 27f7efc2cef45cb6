import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  HttpCode,
  NotFoundException,
  Post,
} from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { classifyAwsError, MeteringGateway } from '@cppo/marketplace';
import { EntitlementRepository } from '@cppo/persistence';
import { OrgId } from '@cppo/platform';
import { EntitlementView } from '@cppo/views';
import { current } from '../entitlements/entitlements.controller';

export class RegistrationDto {
  @ApiProperty({ description: 'the x-amzn-marketplace-token the buyer arrived with' })
  @IsString()
  @MaxLength(4096)
  @Matches(/^\S+$/, { message: 'token must be the x-amzn-marketplace-token as received' })
  token: string;

  @ApiProperty({ description: "the ISV's own id for this buyer" })
  @Matches(/^[\w.:@-]{1,200}$/, { message: 'tenantId must be 1-200 letters, digits, _ . : @ -' })
  tenantId: string;
}

/**
 * A buyer who subscribes lands on the ISV's registration page with `x-amzn-marketplace-token`; the ISV
 * posts it here with its own tenant id. ResolveCustomer says which licence (or customer) the token is for;
 * the matching entitlement gets the tenant id. The same token and tenant again → the same answer.
 */
@ApiTags('registrations')
@Controller('v1/registrations')
export class RegistrationsController {
  constructor(
    private readonly metering: MeteringGateway,
    private readonly entitlements: EntitlementRepository,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: EntitlementView })
  async register(@OrgId() orgId: string, @Body() body: RegistrationDto): Promise<EntitlementView> {
    let resolved;
    try {
      resolved = await this.metering.resolveCustomer(orgId, body.token);
    } catch (error) {
      if (classifyAwsError(error) !== 'client') throw error;
      const e = error as Error;
      throw new BadRequestException([`token: AWS refused it (${e.name}: ${e.message})`]);
    }
    const candidates = resolved.licenseArn
      ? await this.entitlements.findAllBy(orgId, { licenseArn: resolved.licenseArn })
      : await this.entitlements.findAllBy(orgId, {
          buyerAccountId: resolved.customerAwsAccountId ?? '',
          productId: resolved.productCode ?? '',
        });
    const entitlement = current(candidates);
    if (!entitlement)
      throw new NotFoundException(
        `no entitlement for licence ${resolved.licenseArn ?? '(none)'} yet: AWS's notifications may not have arrived; try again shortly`,
      );
    if (entitlement.tenantId === body.tenantId) return EntitlementView.from(entitlement); // registered already
    const registered = await this.entitlements.register(orgId, entitlement._id, {
      tenantId: body.tenantId,
      customerIdentifier: resolved.customerIdentifier,
      registeredAt: entitlement.registeredAt ?? new Date(),
    });
    if (!registered)
      throw new ConflictException(`entitlement ${entitlement._id} is registered to another tenant`);
    return EntitlementView.from(registered);
  }
}
