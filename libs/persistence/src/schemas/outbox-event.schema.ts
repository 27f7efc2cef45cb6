import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Schema as MongooseSchema } from 'mongoose';

/** The audit line an event leaves: written by the relay when it publishes the event (never published). */
export class OutboxAudit {
  entityType: string;
  entityId: string;
  action: string;
  /** `apikey:<id>`, `service:<name>`, `aws:<event id>`. */
  actor: string;
  data?: Record<string, unknown>;
}

/**
 * An event waiting in a document's embedded `outbox[]`. It is appended in the same atomic update as the
 * state change that causes it, and removed by the relay after RabbitMQ confirmed the publish. The stored
 * object is the full message envelope, so a re-publish after a crash carries the same `messageId`.
 */
@Schema({ _id: false, minimize: false })
export class OutboxEvent {
  @Prop({ required: true })
  messageId: string;

  @Prop({ required: true })
  type: string;

  @Prop({ required: true })
  occurredAt: string;

  @Prop({ required: true })
  orgId: string;

  @Prop()
  causationId?: string;

  @Prop()
  correlationId?: string;

  @Prop({ type: Object, required: true })
  payload: Record<string, unknown>;

  /**
   * The audit line of the change, kept with its event so that it cannot be lost between the two: the relay
   * writes it (id derived from `messageId`, so a re-publish writes it once) and publishes the rest.
   */
  @Prop({ type: Object })
  audit?: OutboxAudit;
}

export const OutboxEventSchema = SchemaFactory.createForClass(OutboxEvent);

/**
 * The fields every document with an embedded outbox carries; its schema class extends this one
 * (@nestjs/mongoose collects the properties of parent classes), and calls {@link indexOutbox}.
 */
@Schema()
export abstract class OutboxHolder {
  @Prop({ type: [OutboxEventSchema], default: [] })
  outbox: OutboxEvent[];

  /** Set while `outbox` has events: the relay's indexed work list. */
  @Prop()
  outboxPending?: boolean;

  /** Until then, one relay (or the writer that stored the events) is publishing them; others skip. */
  @Prop()
  outboxLeaseUntil?: Date;
}

/** The outbox relay's index: documents with pending events (sparse: only those have the field). */
export function indexOutbox(schema: MongooseSchema): void {
  schema.index({ outboxPending: 1 }, { sparse: true });
}
