import type { Model, UpdateQuery } from 'mongoose';
import { documentLock } from '../document-lock';
import type { OutboxEvent } from '../schemas/outbox-event.schema';

interface WithOutbox {
  _id: string;
  outbox: OutboxEvent[];
  outboxLeaseUntil?: Date;
}

/**
 * Adds events to a document's outbox in the same atomic single-document update as the state change.
 * Returns the updated document, or null when `filter` matched nothing (nothing changed, no event queued).
 */
export function updateWithEvents<T>(
  model: Model<T>,
  id: string,
  filter: Record<string, unknown>,
  update: UpdateQuery<T>,
  events: OutboxEvent[],
): Promise<T | null> {
  const withEvents = events.length
    ? {
        ...update,
        $set: { ...((update.$set as object) ?? {}), outboxPending: true },
        $push: { ...((update.$push as object) ?? {}), outbox: { $each: events } },
      }
    : update;
  return documentLock.run(
    lockKey(model, id),
    () =>
      model
        .findOneAndUpdate({ ...filter, _id: id }, withEvents as UpdateQuery<T>, { new: true })
        .lean()
        .exec() as Promise<T | null>,
  );
}

function lockKey(model: { collection: { collectionName: string } }, id: string): string {
  return `${model.collection.collectionName}:${id}`;
}

function claimable(now: Date): Record<string, unknown> {
  return {
    outboxPending: true,
    $or: [{ outboxLeaseUntil: { $exists: false } }, { outboxLeaseUntil: { $lt: now } }],
  };
}

/** The fields a new document gets with its first events. */
export function withOutbox<T extends object>(
  doc: T,
  events: OutboxEvent[],
): T & { outbox: OutboxEvent[]; outboxPending?: true } {
  return events.length ? { ...doc, outbox: events, outboxPending: true } : { ...doc, outbox: [] };
}

/**
 * The relay's view of one collection with an embedded outbox. It works on the driver collection so that
 * the events removed are byte-for-byte the events read (`$pullAll` matches whole elements; FerretDB does
 * not evaluate `$pull` conditions).
 */
export class OutboxStore {
  /** `filter` narrows the documents this store's relay touches (a collection shared by two services). */
  constructor(
    readonly model: Model<unknown>,
    private readonly filter: Record<string, unknown> = {},
  ) {}

  get name(): string {
    return this.model.collection.collectionName;
  }

  /**
   * Claims one document with pending events for `leaseMs`, so that relays in other replicas skip it.
   * A relay that dies keeps the lease until it expires; then another relay re-publishes.
   */
  async claim(now: Date, leaseMs: number): Promise<WithOutbox | null> {
    for (const id of await this.pending(now, 50)) {
      const claimed = await this.claimById(id, now, leaseMs);
      if (claimed) return claimed;
    }
    return null;
  }

  /**
   * Ids of documents with events and no live lease. A plain equality on an indexed field: MongoDB uses
   * the sparse index; FerretDB scans, which is why the relay claims a whole batch per scan.
   */
  async pending(now: Date, limit: number): Promise<string[]> {
    const candidates = await this.model.collection
      .find({ ...this.filter, outboxPending: true }, { projection: { _id: 1, outboxLeaseUntil: 1 } })
      .limit(limit)
      .toArray();
    return candidates
      .filter((c) => !(c['outboxLeaseUntil'] instanceof Date) || (c['outboxLeaseUntil'] as Date) < now)
      .map((c) => String(c._id));
  }

  /** Takes the lease on one document (re-checked under the lock: another relay may have taken it). */
  async claimById(id: string, now: Date, leaseMs: number): Promise<WithOutbox | null> {
    const claimed = await documentLock.run(lockKey(this.model, id), () =>
      this.model.collection.findOneAndUpdate(
        { _id: id as never, ...claimable(now) },
        { $set: { outboxLeaseUntil: new Date(now.getTime() + leaseMs) } },
        // No projection: FerretDB does not implement one on findAndModify.
        { returnDocument: 'after' },
      ),
    );
    return claimed as unknown as WithOutbox | null;
  }

  /**
   * Removes exactly the published events (new ones appended meanwhile stay), releases the lease, and
   * clears the pending flag once the outbox is empty (a crash in between leaves an empty claim, harmless).
   */
  async remove(id: string, events: OutboxEvent[]): Promise<void> {
    await documentLock.run(lockKey(this.model, id), async () => {
      const collection = this.model.collection;
      await collection.updateOne({ _id: id as never }, {
        $pullAll: { outbox: events },
        $unset: { outboxLeaseUntil: '' },
      } as never);
      await collection.updateOne(
        { _id: id as never, outbox: { $size: 0 } } as never,
        { $unset: { outboxPending: '' } } as never,
      );
    });
  }

  /** Releases the lease without removing anything (publish failed; try again on the next tick). */
  async release(id: string): Promise<void> {
    await documentLock.run(lockKey(this.model, id), () =>
      this.model.collection.updateOne({ _id: id as never }, { $unset: { outboxLeaseUntil: '' } } as never),
    );
  }

  pendingCount(): Promise<number> {
    return this.model.collection.countDocuments({ ...this.filter, outboxPending: true });
  }
}
