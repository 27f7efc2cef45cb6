import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { MeteringReportStatus } from '@cppo/contracts';
import { indexOutbox, OutboxHolder } from './outbox-event.schema';

/** The ledger: one report per (entitlement, dimension, hour), reported to AWS at most once. */
@Schema({ collection: 'metering_reports', timestamps: true, minimize: false })
export class MeteringReport extends OutboxHolder {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  entitlementId: string;

  @Prop({ required: true })
  dimension: string;

  @Prop({ required: true })
  hour: Date;

  @Prop({ required: true, default: 0 })
  usageQuantity: number;

  @Prop({ required: true, default: 0 })
  includedQuantity: number;

  @Prop({ required: true, default: 0 })
  overageQuantity: number;

  @Prop({ type: String, enum: Object.values(MeteringReportStatus), required: true })
  status: MeteringReportStatus;

  @Prop()
  meteringRecordId?: string;

  @Prop()
  awsStatus?: string;

  @Prop({ default: 0 })
  attempts: number;

  @Prop()
  lastError?: string;

  @Prop()
  nextAttemptAt?: Date;

  createdAt?: Date;
  updatedAt?: Date;
}

export const MeteringReportSchema = SchemaFactory.createForClass(MeteringReport);
// exactly one report per entitlement, dimension and hour.
MeteringReportSchema.index({ orgId: 1, entitlementId: 1, dimension: 1, hour: 1 }, { unique: true });
// the reporter: due reports by status and next attempt; GET /v1/metering-reports?status=.
MeteringReportSchema.index({ status: 1, nextAttemptAt: 1 });
MeteringReportSchema.index({ orgId: 1, status: 1, _id: -1 });
indexOutbox(MeteringReportSchema);
