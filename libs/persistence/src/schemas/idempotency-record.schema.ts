import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** The first response to an `Idempotency-Key`, replayed for a retry with the same body. */
@Schema({ collection: 'idempotency_records', timestamps: { createdAt: true, updatedAt: false } })
export class IdempotencyRecord {
  /** `<orgId>:<method path>:<key>`. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  requestHash: string;

  @Prop()
  statusCode?: number;

  @Prop({ type: Object })
  body?: unknown;

  createdAt?: Date;
}

export const IdempotencyRecordSchema = SchemaFactory.createForClass(IdempotencyRecord);
