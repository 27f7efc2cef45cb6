import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MarketplaceEventRecord } from '../schemas/marketplace-event.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { findPage, isDuplicateKeyError, str, type Page, type PageRequest } from './query';

@Injectable()
export class MarketplaceEventRepository {
  constructor(@InjectModel(MarketplaceEventRecord.name) readonly model: Model<MarketplaceEventRecord>) {}

  /**
   * Stores a notification and the events it causes in one insert. Returns false when the event id was
   * already stored: a redelivery, to be acknowledged with no effect.
   */
  async insertOnce(
    record: Omit<MarketplaceEventRecord, 'outbox' | 'replayCount' | 'createdAt' | 'updatedAt'>,
    events: OutboxEvent[],
  ): Promise<boolean> {
    try {
      await this.model.create({ ...record, outbox: events });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  findById(id: string): Promise<MarketplaceEventRecord | null> {
    return this.model.findById(str(id, 'id')).lean().exec();
  }

  listQuarantined(page: PageRequest): Promise<Page<MarketplaceEventRecord>> {
    return findPage(this.model, { state: 'QUARANTINED' }, page);
  }
}
