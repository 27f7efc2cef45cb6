import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One partner of a bulk create and the opportunity made for it. */
export interface OpportunityBatchItem {
  resellerAccountId: string;
  /** Assigned when the batch is stored, before the opportunity is: a retry makes that same one. */
  opportunityId: string;
}

/**
 * One set of terms sent to several partners (AWS has one reseller per authorization): `_id` = org and the
 * request hashed, so the same batch sent again is this one; each item's opportunity id is fixed here first.
 */
@Schema({ collection: 'opportunity_batches', timestamps: true })
export class OpportunityBatch {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) orgId: string;
  @Prop({ required: true }) name: string;
  @Prop({ required: true }) productId: string;
  @Prop({ type: [Object], required: true }) items: OpportunityBatchItem[];

  createdAt?: Date;
}
export const OpportunityBatchSchema = SchemaFactory.createForClass(OpportunityBatch);
