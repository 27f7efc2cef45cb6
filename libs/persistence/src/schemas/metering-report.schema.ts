import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { MeteringReportStatus } from '@cppo/contracts';

/**
 * Who a report is for, as AWS is told, fixed when the report is first sent so that every resend is the
 * identical record: the licence path (`CustomerAWSAccountId` + `LicenseArn`) or the legacy one
 * (`CustomerIdentifier` + `ProductCode`), never both.
 */
export class MeteringCustomer {
  path: 'LicenseArn' | 'ProductCode';
  licenseArn?: string;
  customerAwsAccountId?: string;
  customerIdentifier?: string;
  /** The product: one BatchMeterUsage call is for one product (also on the licence path, where it is not sent). */
  productCode?: string;
  /** When the licence started: the first partial hour's record is stamped then, not at the hour's start. */
  licenseStart?: Date;
}

/**
 * The ledger: one report per (entitlement, dimension, hour). Its `_id` is derived from that key (hour first,
 * so ids sort by hour); its quantities are fixed when it is created, after the hour closed, and never change:
 * a resend is always the identical record. Usage that arrives later is recorded as `lateQuantity`, flagged.
 */
@Schema({ collection: 'metering_reports', timestamps: true, minimize: false })
export class MeteringReport {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  entitlementId: string;

  @Prop()
  agreementId?: string;

  @Prop({ required: true })
  dimension: string;

  @Prop({ required: true })
  hour: Date;

  @Prop({ required: true })
  usageQuantity: number;

  /** Included by the entitlement's grant for this dimension (per hour). */
  @Prop({ required: true })
  includedQuantity: number;

  /** What is sent to AWS: usage above the included quantity. */
  @Prop({ required: true })
  overageQuantity: number;

  /** The opportunity's usage price for the dimension (our wholesale price), a decimal string. */
  @Prop()
  wholesalePrice?: string;

  /** overage × wholesale price, a decimal string. */
  @Prop()
  wholesaleValue?: string;

  @Prop({ type: String, enum: Object.values(MeteringReportStatus), required: true })
  status: MeteringReportStatus;

  @Prop({ type: Object })
  customer?: MeteringCustomer;

  @Prop()
  meteringRecordId?: string;

  /** AWS's per-record status (Success, DuplicateRecord, CustomerNotSubscribed) or the error that ended it. */
  @Prop()
  awsStatus?: string;

  @Prop({ required: true, default: 0 })
  attempts: number;

  @Prop()
  lastError?: string;

  @Prop()
  nextAttemptAt?: Date;

  @Prop()
  reportedAt?: Date;

  /** Needs a person: CONFLICT, NOT_SUBSCRIBED, EXPIRED_WINDOW, FAILED, or late usage. */
  @Prop()
  flagged?: boolean;

  /** Usage for this hour that arrived after the report was made (recorded, never sent). */
  @Prop()
  lateQuantity?: number;

  createdAt?: Date;
  updatedAt?: Date;
}

export const MeteringReportSchema = SchemaFactory.createForClass(MeteringReport);
// the reporter: due reports; the ledger: reports of the hours in AWS's window.
MeteringReportSchema.index({ status: 1, nextAttemptAt: 1 });
MeteringReportSchema.index({ hour: 1 });
// GET /v1/metering-reports?status=, GET /v1/entitlements/{id}/usage.
MeteringReportSchema.index({ orgId: 1, status: 1, _id: -1 });
MeteringReportSchema.index({ orgId: 1, entitlementId: 1, hour: 1 });
