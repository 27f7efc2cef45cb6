import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** Who or what changed which record, when. Append-only. */
@Schema({ collection: 'audit_events', timestamps: { createdAt: true, updatedAt: false } })
export class AuditEvent {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  entityType: string;

  @Prop({ required: true })
  entityId: string;

  @Prop({ required: true })
  action: string;

  /** `apikey:<id>`, `service:<name>`, `aws:<event id>`. */
  @Prop({ required: true })
  actor: string;

  @Prop({ type: Object })
  data?: Record<string, unknown>;

  createdAt?: Date;
}

export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
// history of one record, oldest first.
AuditEventSchema.index({ orgId: 1, entityId: 1, createdAt: 1 });
