import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { newId } from '../ids';
import { AuditEvent } from '../schemas/audit-event.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { str } from './query';
import { insertNew } from './write';

@Injectable()
export class AuditEventRepository {
  constructor(@InjectModel(AuditEvent.name) private readonly model: Model<AuditEvent>) {}

  async append(event: Omit<AuditEvent, '_id' | 'createdAt'>): Promise<void> {
    await this.model.create({ _id: newId('aud'), ...event });
  }

  /**
   * The audit lines carried by outbox events, written once each: `aud_<messageId>` is unique, so a relay
   * that re-publishes after a crash (or two relays racing) adds nothing. Dated by the event's time. One
   * unordered insert for the batch; events without an audit line cost nothing.
   */
  async recordFromOutbox(events: OutboxEvent[]): Promise<void> {
    const docs = events
      .filter((e) => e.audit)
      .map((e) => ({
        _id: `aud_${e.messageId}`,
        orgId: e.orgId,
        // as JSON: no `undefined` member stored as null
        ...(JSON.parse(JSON.stringify(e.audit)) as OutboxEvent['audit']),
        createdAt: new Date(e.occurredAt),
      }));
    if (docs.length) await insertNew(this.model, docs);
  }

  listForEntity(orgId: string, entityId: string): Promise<AuditEvent[]> {
    return this.model
      .find({ orgId: str(orgId, 'orgId'), entityId: str(entityId, 'entityId') })
      .sort({ createdAt: 1 })
      .lean()
      .exec();
  }
}
