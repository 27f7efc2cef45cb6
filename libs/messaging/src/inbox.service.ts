import type { InboxRepository } from '@cppo/persistence';

/**
 * Consumer-side deduplication by messageId. `once` skips a message the consumer already applied, runs the
 * handler, then records it. A crash between the two re-runs the handler on redelivery, so the handler's
 * own write must still be idempotent (unique key or conditional update); the inbox makes the common
 * duplicate cheap and keeps side effects outside Mongo (e.g. AWS calls) from repeating.
 */
export class InboxService {
  constructor(private readonly inbox: InboxRepository) {}

  async once<T>(consumer: string, messageId: string, handler: () => Promise<T>): Promise<T | undefined> {
    if (await this.inbox.isProcessed(consumer, messageId)) return undefined;
    const result = await handler();
    await this.inbox.markProcessed(consumer, messageId);
    return result;
  }
}
