import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { indexOutbox, OutboxHolder } from './outbox-event.schema';

/** One record of a BatchMeterUsage call and what AWS answered for it. */
export class MeteringCallRecord {
  reportId: string;
  quantity: number;
  outcome: string;
  meteringRecordId?: string;
}

/**
 * One BatchMeterUsage call as made and answered: the audit of what was billed, and the carrier of the
 * events it causes (`cppo.metering.{reported,failed}.v1`, in its embedded outbox, written before the
 * reports change so that no outcome goes unannounced).
 */
@Schema({ collection: 'metering_calls', timestamps: { createdAt: true, updatedAt: false } })
export class MeteringCall extends OutboxHolder {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ type: [Object], default: [] })
  records: MeteringCallRecord[];

  /** The call's error, when AWS refused it as a whole. */
  @Prop()
  error?: string;

  @Prop()
  durationMs?: number;

  createdAt?: Date;
}

export const MeteringCallSchema = SchemaFactory.createForClass(MeteringCall);
MeteringCallSchema.index({ createdAt: 1 });
indexOutbox(MeteringCallSchema);

/**
 * A reporter's claim on one attempt of one report: `_id` = report, attempt and lease slot, so the unique
 * `_id` lets exactly one replica take it — on any Mongo-compatible server, FerretDB included.
 */
@Schema({ collection: 'metering_claims', timestamps: { createdAt: true, updatedAt: false } })
export class MeteringClaim {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  owner: string;

  createdAt?: Date;
}

export const MeteringClaimSchema = SchemaFactory.createForClass(MeteringClaim);
MeteringClaimSchema.index({ createdAt: 1 });
