import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { IdempotencyRecord } from '../schemas/idempotency-record.schema';
import { isDuplicateKeyError, str } from './query';

@Injectable()
export class IdempotencyRepository {
  constructor(@InjectModel(IdempotencyRecord.name) private readonly model: Model<IdempotencyRecord>) {}

  /** Reserves the key; returns the existing record when it was already used. */
  async reserve(id: string, orgId: string, requestHash: string): Promise<IdempotencyRecord | null> {
    try {
      await this.model.create({ _id: id, orgId, requestHash });
      return null;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return this.model.findById(str(id, 'id')).lean().exec();
    }
  }

  async complete(id: string, statusCode: number, body: unknown): Promise<void> {
    await this.model.updateOne({ _id: str(id, 'id') }, { $set: { statusCode, body } }).exec();
  }

  /** Frees a key whose request failed, so that a retry runs it again. */
  async release(id: string): Promise<void> {
    await this.model.deleteOne({ _id: str(id, 'id'), statusCode: { $exists: false } }).exec();
  }
}
