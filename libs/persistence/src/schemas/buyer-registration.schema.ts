import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { indexOutbox, OutboxHolder } from './outbox-event.schema';

export enum BuyerRegistrationStatus {
  /** AWS's token resolved; waiting for the ISV's signup page to redeem ours. */
  RESOLVED = 'RESOLVED',
  /** Redeemed with a tenant; the entitlement has not arrived yet (it links when it does). */
  PENDING = 'PENDING',
  LINKED = 'LINKED',
  /** Could not be linked (the tenant belongs to another buyer): `reason` says why. */
  FAILED = 'FAILED',
}

/**
 * A buyer who came through AWS's registration POST. `_id` is derived from our single-use token (a hash:
 * the token itself is never stored), so redemption is one read by `_id`. AWS's token is not kept either,
 * only what ResolveCustomer answered for it.
 */
@Schema({ collection: 'buyer_registrations', timestamps: true })
export class BuyerRegistration extends OutboxHolder {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ type: String, enum: Object.values(BuyerRegistrationStatus), required: true })
  status: BuyerRegistrationStatus;

  @Prop({ required: true })
  customerAwsAccountId: string;

  @Prop()
  customerIdentifier?: string;

  @Prop({ required: true })
  productCode: string;

  @Prop()
  licenseArn?: string;

  /** Our token may be redeemed until then. */
  @Prop({ required: true })
  expiresAt: Date;

  @Prop()
  tenantId?: string;

  @Prop()
  redeemedAt?: Date;

  @Prop()
  entitlementId?: string;

  @Prop()
  reason?: string;

  createdAt?: Date;
}

export const BuyerRegistrationSchema = SchemaFactory.createForClass(BuyerRegistration);
indexOutbox(BuyerRegistrationSchema);
// redeemed registrations waiting for their entitlement (linked when it arrives).
BuyerRegistrationSchema.index({ orgId: 1, status: 1 });

/** Per org: where AWS's registration POST sends the buyer on (the ISV's signup page). */
@Schema({ collection: 'registration_settings', timestamps: true })
export class RegistrationSettings {
  /** The org id. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  signupUrl: string;
}

export const RegistrationSettingsSchema = SchemaFactory.createForClass(RegistrationSettings);
