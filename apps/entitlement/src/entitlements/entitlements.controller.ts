import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { EntitlementKey } from '@cppo/persistence';
import { OrgId, viewPage } from '@cppo/platform';
import { EntitlementView } from '@cppo/views';
import { EntitlementPage } from './dto/entitlement.page';
import { EntitlementListQuery, EntitlementLookupQuery } from './dto/entitlement.queries';
import { EntitlementLookup } from './entitlement-lookup.service';

@ApiTags('entitlements')
@Controller('v1/entitlements')
export class EntitlementsController {
  constructor(private readonly entitlements: EntitlementLookup) {}

  @Get()
  @ApiOkResponse({ type: EntitlementPage })
  async list(@OrgId() orgId: string, @Query() query: EntitlementListQuery): Promise<EntitlementPage> {
    const { limit, cursor, endingWithinDays, ...filter } = query;
    const endingBefore = endingWithinDays ? new Date(Date.now() + endingWithinDays * 86_400_000) : undefined;
    return viewPage(
      await this.entitlements.list(orgId, { ...filter, endingBefore }, { limit, cursor }),
      EntitlementView.from,
    );
  }

  /**
   * The question a SaaS application asks: is this customer entitled, to what? Answered from our store
   * (no AWS call), by licence ARN, by buyer account + product, or by the ISV's tenant id.
   */
  @Get('lookup')
  @ApiOkResponse({ type: EntitlementView })
  async lookup(@OrgId() orgId: string, @Query() query: EntitlementLookupQuery): Promise<EntitlementView> {
    const keys: EntitlementKey[] = [];
    if (query.licenseArn) keys.push({ licenseArn: query.licenseArn });
    if (query.customerAwsAccountId && query.productId)
      keys.push({ buyerAccountId: query.customerAwsAccountId, productId: query.productId });
    if (query.tenantId) keys.push({ tenantId: query.tenantId });
    if (keys.length !== 1)
      throw new BadRequestException([
        'give exactly one of: licenseArn; customerAwsAccountId with productId; tenantId',
      ]);
    const found = await this.entitlements.inForce(orgId, keys[0]);
    if (!found) throw new NotFoundException('no entitlement matches');
    return EntitlementView.from(found);
  }

  @Get(':id')
  @ApiOkResponse({ type: EntitlementView })
  async get(@OrgId() orgId: string, @Param('id') id: string): Promise<EntitlementView> {
    const entitlement = await this.entitlements.byId(orgId, id);
    if (!entitlement) throw new NotFoundException(`entitlement ${id} not found`);
    return EntitlementView.from(entitlement);
  }
}
