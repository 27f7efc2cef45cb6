import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AwsConnectionCheck } from '@cppo/marketplace';
import { EntitlementRepository } from '@cppo/persistence';
import { OrgId } from '@cppo/platform';
import { AwsConnectionView } from './aws-connection.view';

/**
 * "Check my AWS connection": the org's role assumed, the Catalog reached, metering and entitlement reads
 * permitted — each with AWS's own error when not (AwsConnectionCheck; calls that bill and change nothing).
 */
@ApiTags('aws')
@Controller('v1/aws/connection')
export class AwsConnectionController {
  constructor(
    private readonly check: AwsConnectionCheck,
    private readonly entitlements: EntitlementRepository,
  ) {}

  @Get()
  @ApiOkResponse({ type: AwsConnectionView })
  async get(@OrgId() orgId: string): Promise<AwsConnectionView> {
    const productCode = await this.entitlements.anyProductCode(orgId);
    return AwsConnectionView.from(await this.check.check(orgId, productCode));
  }
}
