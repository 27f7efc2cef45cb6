import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { when } from '../condition';
import { OutboxDispatcher } from '../outbox-dispatcher';
import { MarketplaceEventRecord } from '../schemas/marketplace-event.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { findPage, isDuplicateKeyError, str, type Page, type PageRequest } from './query';
import { insertNew, insertWithEvents, storedOfTaken, updateWhere } from './write';

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

  /**
   * Stores the notifications of one SQS batch with one unordered `insertMany` and no outbox (their events
   * are published after the insert and before the SQS messages are deleted: the undeleted message is the
   * durable "not yet published" record). Returns, per record, whether it was new or already stored. A
   * refusal as duplicate is confirmed by reading those ids (one read, only when there are any): a record
   * not found after all is reported `missing`, so that its message is not deleted. Any other error fails
   * the whole batch (see insertNew: a network error's `insertedIds` are not what was written).
   */
  async insertBatch(records: NewMarketplaceEvent[]): Promise<('inserted' | 'duplicate' | 'missing')[]> {
    const outcomes: ('inserted' | 'duplicate' | 'missing')[] = records.map(() => 'inserted');
    if (!records.length) return outcomes;
    const now = new Date();
    const taken = await insertNew(
      this.model,
      records.map((r) => ({ ...r, replayCount: 0, createdAt: now, updatedAt: now })),
    );
    const stored = await storedOfTaken(this.model, records, taken, { _id: 1 });
    for (const i of taken) outcomes[i] = stored.has(records[i]._id) ? 'duplicate' : 'missing';
    return outcomes;
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

  /**
   * SNS's subscription confirmations (and unsubscribe confirmations) kept for a person to confirm: an org
   * sees those of its topics; an operator also those of no org.
   */
  listSnsConfirmations(
    scope: { orgId: string; operator: boolean },
    page: PageRequest,
  ): Promise<Page<MarketplaceEventRecord>> {
    const org = { orgId: str(scope.orgId, 'orgId') };
    return findPage(
      this.model,
      {
        state: 'IGNORED',
        detailType: { $in: ['SubscriptionConfirmation', 'UnsubscribeConfirmation'] },
        ...(scope.operator ? { $or: [org, { orgId: { $exists: false } }] } : org),
      },
      page,
    );
  }

  countByState(state: string): Promise<number> {
    return this.model.countDocuments({ state: str(state, 'state') }).exec();
  }
}
