import type { Model } from 'mongoose';
import { conditionMode, when, type Condition } from '../condition';
import { documentLock } from '../document-lock';
import type { OutboxEvent, OutboxHolder } from '../schemas/outbox-event.schema';
import { lockKey } from './write';

type WithOutbox = OutboxHolder & { _id: string };

function claimable(now: Date): Condition {
  return when.all(when.equals('outboxPending', true), when.unsetOrBefore('outboxLeaseUntil', now));
}

/**
 * The relay's view of one collection with an embedded outbox. It works on the driver collection: the
 * envelopes are published exactly as stored, with no schema casting in between.
 */
export class OutboxStore {
  /** `scope` narrows the documents this store's relay touches (a collection shared by two services). */
  constructor(
    private readonly model: Model<unknown>,
    private readonly scope: Record<string, string> = {},
  ) {}

  get name(): string {
    return this.model.collection.collectionName;
  }

  /**
   * Ids of documents with events and no live lease. A plain equality on an indexed field: MongoDB uses
   * the sparse index; FerretDB scans, which is why the relay claims a whole batch per scan.
   */
  async pending(now: Date, limit: number): Promise<string[]> {
    const candidates = await this.model.collection
      .find({ ...this.scope, outboxPending: true }, { projection: { _id: 1, outboxLeaseUntil: 1 } })
      .limit(limit)
      .toArray();
    return candidates
      .filter((c) => !(c['outboxLeaseUntil'] instanceof Date) || (c['outboxLeaseUntil'] as Date) < now)
      .map((c) => String(c._id));
  }

  /** Takes the lease on one document (re-checked under the lock: another relay may have taken it). */
  async claimById(id: string, now: Date, leaseMs: number): Promise<WithOutbox | null> {
    const condition = claimable(now);
    const lease = { $set: { outboxLeaseUntil: new Date(now.getTime() + leaseMs) } };
    const claimed = await documentLock.run(lockKey(this.model, id), async () => {
      // No projection: FerretDB does not implement one on findAndModify.
      if ((await conditionMode(this.model.db)) === 'filter')
        return this.model.collection.findOneAndUpdate({ ...condition.filter, _id: id as never }, lease, {
          returnDocument: 'after',
        });
      const current = await this.model.collection.findOne({ _id: id as never });
      if (!current || !condition.test(current)) return null;
      return this.model.collection.findOneAndUpdate({ _id: id as never }, lease, { returnDocument: 'after' });
    });
    return claimed as unknown as WithOutbox | null;
  }

  /**
   * Removes exactly the published events, by messageId (new ones appended meanwhile stay), releases the
   * lease, and clears the pending flag once the outbox is empty. The write is a compare-and-set on the
   * outbox as read: where the server checks filters atomically (MongoDB), an event appended by another
   * process in between makes it miss, and it is redone on the new outbox. FerretDB has no `$pull` by
   * condition; one process is its unit of correctness (see DocumentLock), so there it writes by `_id`.
   */
  async remove(id: string, events: OutboxEvent[]): Promise<void> {
    const published = new Set(events.map((event) => event.messageId));
    await documentLock.run(lockKey(this.model, id), async () => {
      const atomic = (await conditionMode(this.model.db)) === 'filter';
      for (let attempt = 0; attempt < 10; attempt++) {
        const current = await this.model.collection.findOne({ _id: id as never });
        if (!current) return;
        const outbox = current['outbox'] as OutboxEvent[];
        const remaining = outbox.filter((e) => !published.has(e.messageId));
        const result = await this.model.collection.updateOne(
          (atomic ? { _id: id, outbox } : { _id: id }) as never,
          {
            $set: { outbox: remaining },
            $unset: { outboxLeaseUntil: '', ...(remaining.length ? {} : { outboxPending: '' }) },
          } as never,
        );
        if (result.matchedCount) return;
      }
      throw new Error(`outbox of ${this.name}/${id} kept changing while published events were removed`);
    });
  }

  /**
   * Empties the outbox, releases the lease and clears the flag in one write, without reading. Only for a
   * document whose outbox nobody else appends to (the caller published everything it ever held).
   */
  async clear(id: string): Promise<void> {
    await documentLock.run(lockKey(this.model, id), () =>
      this.model.collection.updateOne({ _id: id as never }, {
        $set: { outbox: [] },
        $unset: { outboxLeaseUntil: '', outboxPending: '' },
      } as never),
    );
  }

  /** Releases the lease without removing anything (publish failed; try again on the next tick). */
  async release(id: string): Promise<void> {
    await documentLock.run(lockKey(this.model, id), () =>
      this.model.collection.updateOne({ _id: id as never }, { $unset: { outboxLeaseUntil: '' } } as never),
    );
  }

  pendingCount(): Promise<number> {
    return this.model.collection.countDocuments({ ...this.scope, outboxPending: true });
  }
}
