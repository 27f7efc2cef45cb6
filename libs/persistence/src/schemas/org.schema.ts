import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * How CPPO Hub reaches an org's AWS seller account: an IAM role it assumes (STS AssumeRole) with the
 * external id the org gave it — the way hosted products connect. Absent: the deployment's own credentials
 * (a single-org install).
 */
export class OrgAwsRole {
  @Prop({ required: true })
  roleArn: string;

  @Prop({ required: true })
  externalId: string;
}

@Schema({ collection: 'orgs', timestamps: true })
export class Org {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  name: string;

  /** The org's AWS seller (ISV) account ids: EventBridge notifications map to an org by `account`. */
  @Prop({ type: [String], default: [] })
  awsAccountIds: string[];

  /** SaaS product codes: legacy SNS notifications map to an org by product code. */
  @Prop({ type: [String], default: [] })
  productCodes: string[];

  @Prop({ type: Object })
  awsRole?: OrgAwsRole;

  createdAt?: Date;
  updatedAt?: Date;
}

export const OrgSchema = SchemaFactory.createForClass(Org);
// notification → org: findByAwsAccountId. Not unique across array elements in every Mongo-compatible
// server, so OrgRepository.create refuses an account already owned by another org.
OrgSchema.index({ awsAccountIds: 1 });
// SNS notification → org: findByProductCode.
OrgSchema.index({ productCodes: 1 });
