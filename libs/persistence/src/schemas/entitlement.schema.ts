import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { EntitlementStatus, EntitlementType } from '@cppo/contracts';
import { indexOutbox, OutboxHolder } from './outbox-event.schema';

export class EntitlementHistoryEntry {
  status: EntitlementStatus;
  /** When AWS says it happened (event time), not when we processed it. */
  at: Date;
  eventId?: string;
  reason?: string;
}

/** A buyer's agreement for the ISV's product; `CPPO` when it came through a resale authorization. */
@Schema({ collection: 'entitlements', timestamps: true, minimize: false })
export class Entitlement extends OutboxHolder {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  agreementId: string;

  @Prop({ type: String, enum: Object.values(EntitlementType), required: true })
  type: EntitlementType;

  @Prop({ type: String, enum: Object.values(EntitlementStatus), required: true })
  status: EntitlementStatus;

  /** Our CPPO offer. */
  @Prop()
  offerId?: string;

  @Prop()
  awsOfferId?: string;

  /** Our CPPO_OUT opportunity. */
  @Prop()
  opportunityId?: string;

  @Prop()
  resaleAuthorizationId?: string;

  @Prop()
  buyerAccountId?: string;

  @Prop()
  resellerAccountId?: string;

  @Prop()
  productId?: string;

  @Prop()
  licenseArn?: string;

  @Prop()
  startTime?: Date;

  @Prop()
  endTime?: Date;

  @Prop()
  previousAgreementId?: string;

  /** Event time of the newest notification applied, to ignore late ones. */
  @Prop()
  lastEventTime?: Date;

  @Prop({ type: [Object], default: [] })
  history: EntitlementHistoryEntry[];

  createdAt?: Date;
  updatedAt?: Date;
}

export const EntitlementSchema = SchemaFactory.createForClass(Entitlement);
// one entitlement per agreement: idempotent upsert from agreement events.
EntitlementSchema.index({ orgId: 1, agreementId: 1 }, { unique: true });
// GET /v1/entitlements with filters, newest first by _id cursor.
EntitlementSchema.index({ orgId: 1, _id: -1 });
// chain view and reconciler: entitlements of an opportunity / offer.
EntitlementSchema.index({ orgId: 1, opportunityId: 1 });
EntitlementSchema.index({ orgId: 1, awsOfferId: 1 });
indexOutbox(EntitlementSchema);
