import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { newId } from '../ids';
import { ApiKey, type ApiKeyRole } from '../schemas/api-key.schema';
import { str } from './query';

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectModel(ApiKey.name) private readonly model: Model<ApiKey>) {}

  async create(
    orgId: string,
    keyHash: string,
    prefix: string,
    name?: string,
    role: ApiKeyRole = 'member',
  ): Promise<ApiKey> {
    const doc = await this.model.create({ _id: newId('key'), orgId, keyHash, prefix, name, role });
    return doc.toObject();
  }

  findActiveByHash(keyHash: string): Promise<ApiKey | null> {
    return this.model
      .findOne({ keyHash: str(keyHash, 'keyHash'), revokedAt: { $exists: false } })
      .lean()
      .exec();
  }
}
