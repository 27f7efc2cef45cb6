import { documentLock, type InboxRepository } from '@cppo/persistence';

/**
 * Consumer-side deduplication by messageId. `once` skips a message the consumer already applied, runs the
 * handler, then records it. A crash between the two re-runs the handler on redelivery, so the handler's
 * own write must still be idempotent (unique key or conditional update); the inbox makes the common
 * duplicate cheap and keeps side effects outside Mongo (e.g. AWS calls) from repeating. Two copies
 * delivered at once to the same process are serialized, so the second sees the first's mark.
 */
export class InboxService {
  constructor(private readonly inbox: InboxRepository) {}

  once<T>(consumer: string, messageId: string, handler: () => Promise<T>): Promise<T | undefined> {
    return documentLock.run(`inbox:${consumer}:${messageId}`, async () => {
      if (await this.inbox.isProcessed(consumer, messageId)) return undefined;
      const result = await handler();
      await this.inbox.markProcessed(consumer, messageId);
      return result;
    });
  }
}
