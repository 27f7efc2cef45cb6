import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { InboxMessage } from '../schemas/inbox-message.schema';
import { isDuplicateKeyError, str } from './query';

@Injectable()
export class InboxRepository {
  constructor(@InjectModel(InboxMessage.name) private readonly model: Model<InboxMessage>) {}

  /** Records that `consumer` applied `messageId`. False when it already had: a redelivery. */
  async markProcessed(consumer: string, messageId: string): Promise<boolean> {
    try {
      await this.model.create({ _id: `${consumer}:${messageId}`, consumer, messageId });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async isProcessed(consumer: string, messageId: string): Promise<boolean> {
    // A find by exact _id (not a count, which FerretDB answers by scanning the collection).
    const found = await this.model
      .findOne({ _id: `${str(consumer, 'consumer')}:${str(messageId, 'messageId')}` }, { _id: 1 })
      .lean()
      .exec();
    return found !== null;
  }

  async forget(consumer: string, messageId: string): Promise<void> {
    await this.model.deleteOne({ _id: `${str(consumer, 'consumer')}:${str(messageId, 'messageId')}` });
  }
}
