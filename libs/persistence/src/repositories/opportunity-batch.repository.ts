import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { OpportunityBatch } from '../schemas/opportunity-batch.schema';
import { findOrgDoc, isDuplicateKeyError, str } from './query';

/** Bulk creates of opportunities (the opportunity service is their writer). */
@Injectable()
export class OpportunityBatchRepository {
  constructor(@InjectModel(OpportunityBatch.name) private readonly model: Model<OpportunityBatch>) {}

  /** Stores the batch, or answers the one stored under its id before (the same request again). */
  async storeOnce(batch: Omit<OpportunityBatch, 'createdAt'>): Promise<OpportunityBatch> {
    try {
      return (await this.model.create(batch)).toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await this.model.findById(str(batch._id, 'id')).lean().exec()) as OpportunityBatch;
    }
  }

  find(orgId: string, id: string): Promise<OpportunityBatch | null> {
    return findOrgDoc(this.model, orgId, id);
  }
}
