import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One usage record as the ISV's application sent it, once accepted. Its `_id` is derived from the org and
 * the idempotency key, so a batch insert finds duplicates by itself (no read per record).
 */
@Schema({ collection: 'usage_records', timestamps: { createdAt: true, updatedAt: false } })
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
// One secondary index, for both reads (each extra index costs every insert): the reporter's hour range
// (prefix), and GET /v1/entitlements/{id}/usage (an hour range of at most 31 days, org and entitlement
// checked inside the index).
UsageRecordSchema.index({ hour: 1, orgId: 1, entitlementId: 1 });
