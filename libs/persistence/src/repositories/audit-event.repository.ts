import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { newId } from '../ids';
import { AuditEvent } from '../schemas/audit-event.schema';
import { str } from './query';

@Injectable()
export class AuditEventRepository {
  constructor(@InjectModel(AuditEvent.name) private readonly model: Model<AuditEvent>) {}

  async append(event: Omit<AuditEvent, '_id' | 'createdAt'>): Promise<void> {
    await this.model.create({ _id: newId('aud'), ...event });
  }

  listForEntity(orgId: string, entityId: string): Promise<AuditEvent[]> {
    return this.model
      .find({ orgId: str(orgId, 'orgId'), entityId: str(entityId, 'entityId') })
      .sort({ createdAt: 1 })
      .lean()
      .exec();
  }
}
