import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A channel partner in an org's directory: the name people know it by, its AWS account (the reseller an
 * authorization names; once per org), a contact and tags. Ours alone: AWS has no such directory.
 */
@Schema({ collection: 'partners', timestamps: true })
export class Partner {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) orgId: string;
  @Prop({ required: true }) name: string;
  @Prop({ required: true }) awsAccountId: string;
  @Prop() contactName?: string;
  @Prop() contactEmail?: string;
  @Prop({ type: [String], default: [] }) tags: string[];

  createdAt?: Date;
  updatedAt?: Date;
}
export const PartnerSchema = SchemaFactory.createForClass(Partner);
// an account is in an org's directory once; the list is an org's partners, newest first.
PartnerSchema.index({ orgId: 1, awsAccountId: 1 }, { unique: true });
PartnerSchema.index({ orgId: 1, _id: -1 });
