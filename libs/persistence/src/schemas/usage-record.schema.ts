import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One usage record as the ISV's application sent it. */
@Schema({ collection: 'usage_records', timestamps: true })
export class UsageRecord {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  idempotencyKey: string;

  @Prop({ required: true })
  entitlementId: string;

  @Prop({ required: true })
  dimension: string;

  @Prop({ required: true })
  quantity: number;

  @Prop({ required: true })
  timestamp: Date;

  /** Start of the UTC hour the record falls in. */
  @Prop({ required: true })
  hour: Date;

  /** Hash of the content, to tell a duplicate from a conflicting reuse of the key. */
  @Prop({ required: true })
  contentHash: string;

  createdAt?: Date;
}

export const UsageRecordSchema = SchemaFactory.createForClass(UsageRecord);
// idempotent intake: same key → duplicate or conflict.
UsageRecordSchema.index({ orgId: 1, idempotencyKey: 1 }, { unique: true });
// hourly aggregation per entitlement and dimension.
UsageRecordSchema.index({ orgId: 1, entitlementId: 1, dimension: 1, hour: 1 });
