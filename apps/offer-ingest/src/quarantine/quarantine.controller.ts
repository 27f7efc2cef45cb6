import { Controller, Get, HttpCode, NotFoundException, Param, Query } from '@nestjs/common';
import { Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { MarketplaceEventRepository, OrgRepository, type MarketplaceEventRecord } from '@cppo/persistence';
import { LimitQuery, Principal, type RequestPrincipal } from '@cppo/platform';
import { IngestService } from '../ingest/ingest.service';

/** Quarantined notifications are keyed by AWS event ids, so their cursor is one of those. */
class QuarantineQuery extends LimitQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[\w.:-]{1,200}$/, { message: 'cursor must be a nextCursor returned by this API' })
  cursor?: string;
}

class QuarantinedView {
  @ApiProperty() id: string;
  @ApiProperty() state: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() detailType?: string;
  @ApiPropertyOptional() account?: string;
  @ApiProperty({ description: 'the notification exactly as received' }) raw: string;
  @ApiProperty() replayCount: number;
  @ApiProperty() receivedAt: string;

  static from(record: MarketplaceEventRecord): QuarantinedView {
    return {
      id: record._id,
      state: record.state,
      reason: record.reason,
      detailType: record.detailType,
      account: record.account,
      raw: record.raw,
      replayCount: record.replayCount ?? 0,
      receivedAt: (record.createdAt ?? new Date(0)).toISOString(),
    };
  }
}

class QuarantinePage {
  @ApiProperty({ type: [QuarantinedView] }) items: QuarantinedView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

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
