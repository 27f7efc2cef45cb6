import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

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
}

export const OutboxEventSchema = SchemaFactory.createForClass(OutboxEvent);
