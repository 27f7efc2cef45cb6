import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { when } from '../condition';
import { OutboxDispatcher } from '../outbox-dispatcher';
import { MarketplaceEventRecord } from '../schemas/marketplace-event.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { findPage, isDuplicateKeyError, str, type Page, type PageRequest } from './query';
import { insertWithEvents, updateWhere } from './write';

export type NewMarketplaceEvent = Omit<
  MarketplaceEventRecord,
  'outbox' | 'replayCount' | 'createdAt' | 'updatedAt'
>;

@Injectable()
export class MarketplaceEventRepository {
  constructor(
    @InjectModel(MarketplaceEventRecord.name) private readonly model: Model<MarketplaceEventRecord>,
    @Optional() private readonly outbox?: OutboxDispatcher,
  ) {}

  /**
   * Stores a notification and the events it causes in one insert; they are published at once. Returns
   * false when the event id was already stored: a redelivery, to be acknowledged with no effect.
   */
  async insertOnce(record: NewMarketplaceEvent, events: OutboxEvent[]): Promise<boolean> {
    try {
      // A stored notification never gets events again (only quarantined ones are replayed, by promote):
      // its outbox is emptied with one blind write once published.
      await insertWithEvents(this.model, { ...record, replayCount: 0 }, events, this.outbox, true);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  findById(id: string): Promise<MarketplaceEventRecord | null> {
    return this.model.findById(str(id, 'id')).lean().exec();
  }

  /** A quarantined notification becomes processed (a replay that now succeeds), with its events. */
  promote(
    id: string,
    changes: Partial<MarketplaceEventRecord>,
    events: OutboxEvent[],
  ): Promise<MarketplaceEventRecord | null> {
    return updateWhere(
      this.model,
      str(id, 'id'),
      when.equals('state', 'QUARANTINED'),
      { set: changes, inc: { replayCount: 1 } },
      events,
      this.outbox,
    );
  }

  /** A replay that fails again keeps the record quarantined with the new reason. */
  requarantine(id: string, reason: string): Promise<MarketplaceEventRecord | null> {
    return updateWhere(
      this.model,
      str(id, 'id'),
      when.equals('state', 'QUARANTINED'),
      { set: { reason }, inc: { replayCount: 1 } },
      [],
    );
  }

  /** Quarantined notifications an org may see: its own, those addressed to its accounts, and unattributed ones. */
  /**
   * Quarantined notifications an org may see: its own, those addressed to one of its AWS accounts (stored
   * before the org existed), and — for an operator — those no org could be found for at all.
   */
  listQuarantined(
    scope: { orgId: string; accounts: string[]; operator: boolean },
    page: PageRequest,
  ): Promise<Page<MarketplaceEventRecord>> {
    const visible: Record<string, unknown>[] = [
      { orgId: str(scope.orgId, 'orgId') },
      { orgId: { $exists: false }, account: { $in: scope.accounts.map((a) => str(a, 'account')) } },
    ];
    if (scope.operator) visible.push({ orgId: { $exists: false }, account: { $exists: false } });
    return findPage(this.model, { state: 'QUARANTINED', $or: visible }, page);
  }

  countByState(state: string): Promise<number> {
    return this.model.countDocuments({ state: str(state, 'state') }).exec();
  }
}
