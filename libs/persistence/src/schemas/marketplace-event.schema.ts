import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { indexOutbox, OutboxHolder } from './outbox-event.schema';

export type MarketplaceEventState = 'PROCESSED' | 'QUARANTINED' | 'IGNORED';

/**
 * Every AWS notification exactly as received, keyed by its event id (EventBridge `id`, SNS `MessageId`):
 * the inbox that makes redeliveries harmless, and the audit of what AWS said.
 */
@Schema({ collection: 'marketplace_events', timestamps: true, minimize: false })
export class MarketplaceEventRecord extends OutboxHolder {
  /** The AWS event id, or `q_<sqs message id>` for a body that had no readable id. */
  @Prop({ type: String, required: true })
  _id: string;

  /** Absent while quarantined for an unknown account. */
  @Prop()
  orgId?: string;

  @Prop({ type: String, required: true })
  state: MarketplaceEventState;

  @Prop()
  detailType?: string;

  @Prop()
  account?: string;

  @Prop()
  eventTime?: Date;

  @Prop({ required: true })
  raw: string;

  @Prop({ type: Object })
  normalized?: Record<string, unknown>;

  /** Why it is quarantined. */
  @Prop()
  reason?: string;

  @Prop({ default: 0 })
  replayCount: number;

  createdAt?: Date;
  updatedAt?: Date;
}

export const MarketplaceEventSchema = SchemaFactory.createForClass(MarketplaceEventRecord);
// GET /v1/ingest/quarantine: quarantined events, newest first.
MarketplaceEventSchema.index({ state: 1, createdAt: -1 });
indexOutbox(MarketplaceEventSchema);
