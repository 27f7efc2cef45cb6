import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A RabbitMQ message a consumer has applied; `_id` = `<consumer>:<messageId>`. */
@Schema({ collection: 'inbox_messages', timestamps: { createdAt: true, updatedAt: false } })
export class InboxMessage {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  consumer: string;

  @Prop({ required: true })
  messageId: string;

  createdAt?: Date;
}

export const InboxMessageSchema = SchemaFactory.createForClass(InboxMessage);
