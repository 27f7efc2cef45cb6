import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One of a buyer's agreements for a product: what does not change once its entitlement knows its place. */
export class BuyerChainMember {
  agreementId: string;
  type?: string;
  resellerAccountId?: string;
  startTime?: Date;
}

/**
 * A buyer's agreements for one product, in one small document per (org, buyer, product) read and written by
 * `_id`: where a new entitlement stands in its buyer's chain (a partner switch, the agreement a renewal
 * opportunity renews) is found without a query over the org's entitlements, which a Mongo-compatible
 * server without that index (FerretDB) answers by reading them all.
 */
@Schema({ collection: 'buyer_chains', timestamps: true, minimize: false })
export class BuyerChain {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ type: [Object], default: [] })
  members: BuyerChainMember[];

  createdAt?: Date;
  updatedAt?: Date;
}

export const BuyerChainSchema = SchemaFactory.createForClass(BuyerChain);
