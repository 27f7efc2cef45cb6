import { Controller, Get, HttpCode, NotFoundException, Param, Query } from '@nestjs/common';
import { Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MarketplaceEventRepository, OrgRepository, type MarketplaceEventRecord } from '@cppo/persistence';
import { Principal, type RequestPrincipal } from '@cppo/platform';
import { IngestService } from '../ingest/ingest.service';
import { QuarantinedView, QuarantinePage, QuarantineQuery } from './dto/quarantine.dto';

/**
 * Notifications that could not be parsed or mapped to an org. An org sees its own and those addressed to
 * one of its AWS accounts; those whose account and product code could not be read at all belong to no
 * org and are shown to operator keys only (they hold another org's buyer ids as often as not).
 */
@ApiTags('ingest')
@Controller('v1/ingest/quarantine')
export class QuarantineController {
  constructor(
    private readonly events: MarketplaceEventRepository,
    private readonly orgs: OrgRepository,
    private readonly ingest: IngestService,
  ) {}

  @Get()
  @ApiOkResponse({ type: QuarantinePage })
  async list(
    @Principal() principal: RequestPrincipal,
    @Query() query: QuarantineQuery,
  ): Promise<QuarantinePage> {
    const org = await this.orgs.findById(principal.orgId);
    const page = await this.events.listQuarantined(
      { orgId: principal.orgId, accounts: org?.awsAccountIds ?? [], operator: principal.role === 'operator' },
      { limit: query.limit, cursor: query.cursor },
    );
    return { items: page.items.map(QuarantinedView.from), nextCursor: page.nextCursor };
  }

  /** Processes the stored notification again; it leaves quarantine if it now succeeds. */
  @Post(':id/replay')
  @HttpCode(200)
  @ApiOkResponse({ type: QuarantinedView })
  async replay(@Principal() principal: RequestPrincipal, @Param('id') id: string): Promise<QuarantinedView> {
    const record = await this.visible(principal, id);
    await this.ingest.replay(record);
    const after = await this.events.findById(record._id);
    if (!after) throw new NotFoundException(`quarantined notification ${id} not found`);
    return QuarantinedView.from(after);
  }

  /** The same rule as the list's. */
  private async visible(principal: RequestPrincipal, id: string): Promise<MarketplaceEventRecord> {
    const org = await this.orgs.findById(principal.orgId);
    const record = await this.events.findById(id);
    const unowned = !record?.orgId;
    const mine =
      record &&
      (record.orgId === principal.orgId ||
        (unowned && record.account && org?.awsAccountIds.includes(record.account)) ||
        (unowned && !record.account && principal.role === 'operator'));
    if (!record || !mine || record.state !== 'QUARANTINED')
      throw new NotFoundException(`quarantined notification ${id} not found`);
    return record;
  }
}
