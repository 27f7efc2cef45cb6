import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export type ApiKeyRole = 'member' | 'operator';

/** An API key. Only its SHA-256 hash is stored; the key itself is shown once, at creation. */
@Schema({ collection: 'api_keys', timestamps: true })
export class ApiKey {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  keyHash: string;

  /** The first characters of the key, to recognise it in a list without revealing it. */
  @Prop({ required: true })
  prefix: string;

  @Prop()
  name?: string;

  /**
   * `member` (default): the org's records. `operator` (made by the CLI): also what belongs to no org yet —
   * quarantined notifications whose account or product code could not be read.
   */
  @Prop({ type: String, enum: ['member', 'operator'], default: 'member' })
  role?: ApiKeyRole;

  @Prop()
  revokedAt?: Date;

  createdAt?: Date;
}

export const ApiKeySchema = SchemaFactory.createForClass(ApiKey);
// auth guard: findActiveByHash(keyHash).
ApiKeySchema.index({ keyHash: 1 }, { unique: true });
// listing an org's keys.
ApiKeySchema.index({ orgId: 1, _id: 1 });
