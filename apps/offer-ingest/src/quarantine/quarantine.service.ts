import { Injectable, NotFoundException } from '@nestjs/common';
import {
  MarketplaceEventRepository,
  OrgRepository,
  type MarketplaceEventRecord,
  type Page,
} from '@cppo/persistence';
import type { RequestPrincipal } from '@cppo/platform';
import { IngestService } from '../ingest/ingest.service';

/**
 * Notifications that could not be parsed or mapped to an org. An org sees its own and those addressed to
 * one of its AWS accounts; those whose account and product code could not be read at all belong to no
 * org and are shown to operator keys only (they hold another org's buyer ids as often as not).
 */
@Injectable()
export class QuarantineService {
  constructor(
    private readonly events: MarketplaceEventRepository,
    private readonly orgs: OrgRepository,
    private readonly ingest: IngestService,
  ) {}

  async list(
    principal: RequestPrincipal,
    page: { limit: number; cursor?: string },
  ): Promise<Page<MarketplaceEventRecord>> {
    const org = await this.orgs.findById(principal.orgId);
    return this.events.listQuarantined(
      { orgId: principal.orgId, accounts: org?.awsAccountIds ?? [], operator: principal.role === 'operator' },
      page,
    );
  }

  /** SNS subscription confirmations waiting for a person (the org's topics; an operator's: also no org's). */
  snsConfirmations(
    principal: RequestPrincipal,
    page: { limit: number; cursor?: string },
  ): Promise<Page<MarketplaceEventRecord>> {
    return this.events.listSnsConfirmations(
      { orgId: principal.orgId, operator: principal.role === 'operator' },
      page,
    );
  }

  /** Processes the stored notification again; it leaves quarantine if it now succeeds. */
  async replay(principal: RequestPrincipal, id: string): Promise<MarketplaceEventRecord> {
    const record = await this.visible(principal, id);
    await this.ingest.replay(record);
    const after = await this.events.findById(record._id);
    if (!after) throw new NotFoundException(`quarantined notification ${id} not found`);
    return after;
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
