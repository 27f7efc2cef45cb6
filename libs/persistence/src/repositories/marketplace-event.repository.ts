import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MarketplaceEventRecord } from '../schemas/marketplace-event.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { updateWithEvents, withOutbox } from './outbox.store';
import { findPage, isDuplicateKeyError, str, type Page, type PageRequest } from './query';

@Injectable()
export class MarketplaceEventRepository {
  constructor(@InjectModel(MarketplaceEventRecord.name) readonly model: Model<MarketplaceEventRecord>) {}

  /**
   * Stores a notification and the events it causes in one insert (with `leaseUntil`, held by the caller,
   * which publishes them itself). Returns false when the event id was already stored: a redelivery, to
   * be acknowledged with no effect.
   */
  async insertOnce(
    record: Omit<MarketplaceEventRecord, 'outbox' | 'replayCount' | 'createdAt' | 'updatedAt'>,
    events: OutboxEvent[],
    leaseUntil?: Date,
  ): Promise<boolean> {
    try {
      await this.model.create(withOutbox(record, events, leaseUntil));
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  findById(id: string): Promise<MarketplaceEventRecord | null> {
    return this.model.findById(str(id, 'id')).lean().exec();
  }

  /**
   * A quarantined notification becomes processed (a replay that now succeeds): one conditional update
   * that also queues its events.
   */
  promote(
    id: string,
    changes: Partial<MarketplaceEventRecord>,
    events: OutboxEvent[],
  ): Promise<MarketplaceEventRecord | null> {
    return updateWithEvents(
      this.model,
      str(id, 'id'),
      { state: 'QUARANTINED' },
      { $set: changes, $inc: { replayCount: 1 } },
      events,
    );
  }

  /** A replay that fails again keeps the record quarantined with the new reason. */
  requarantine(id: string, reason: string): Promise<MarketplaceEventRecord | null> {
    return updateWithEvents(
      this.model,
      str(id, 'id'),
      { state: 'QUARANTINED' },
      { $set: { reason }, $inc: { replayCount: 1 } },
      [],
    );
  }

  /** Quarantined notifications an org may see: its own, those addressed to its accounts, and unattributed ones. */
  listQuarantined(
    orgId: string,
    accounts: string[],
    page: PageRequest,
  ): Promise<Page<MarketplaceEventRecord>> {
    return findPage(
      this.model,
      {
        state: 'QUARANTINED',
        $or: [
          { orgId: str(orgId, 'orgId') },
          { account: { $in: accounts.map((a) => str(a, 'account')) } },
          { orgId: { $exists: false }, account: { $exists: false } },
        ],
      },
      page,
    );
  }

  countByState(state: string): Promise<number> {
    return this.model.countDocuments({ state: str(state, 'state') }).exec();
  }
}
