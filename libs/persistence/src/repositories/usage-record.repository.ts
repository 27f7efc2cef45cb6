import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { UsageRecord } from '../schemas/usage-record.schema';
import { isDuplicateKeyError, str } from './query';

@Injectable()
export class UsageRecordRepository {
  constructor(@InjectModel(UsageRecord.name) private readonly model: Model<UsageRecord>) {}

  /** Inserts the record, or returns the one already stored under its idempotency key. */
  async insertOrGetExisting(
    record: Omit<UsageRecord, 'createdAt'>,
  ): Promise<{ inserted: boolean; record: UsageRecord }> {
    try {
      const doc = await this.model.create(record);
      return { inserted: true, record: doc.toObject() };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.model
        .findOne({
          orgId: str(record.orgId, 'orgId'),
          idempotencyKey: str(record.idempotencyKey, 'idempotencyKey'),
        })
        .lean()
        .exec();
      if (!existing) throw error;
      return { inserted: false, record: existing };
    }
  }
}
