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
    ? { ...update, $push: { ...((update.$push as object) ?? {}), outbox: { $each: events } } }
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
    'outbox.0': { $exists: true },
    $or: [{ outboxLeaseUntil: { $exists: false } }, { outboxLeaseUntil: { $lt: now } }],
  };
}

/**
 * The relay's view of one collection with an embedded outbox. It works on the driver collection so that
 * the events removed are byte-for-byte the events read (`$pullAll` matches whole elements; FerretDB does
 * not evaluate `$pull` conditions).
 */
export class OutboxStore {
  constructor(readonly model: Model<unknown>) {}

  get name(): string {
    return this.model.collection.collectionName;
  }

  /**
   * Claims one document with pending events for `leaseMs`, so that relays in other replicas skip it.
   * A relay that dies keeps the lease until it expires; then another relay re-publishes.
   */
  async claim(now: Date, leaseMs: number): Promise<WithOutbox | null> {
    const collection = this.model.collection;
    const candidate = await collection.findOne(claimable(now), { projection: { _id: 1 } });
    if (!candidate) return null;
    const id = String(candidate._id);
    // Re-checked under the lock: another relay (or this one) may have claimed it in between.
    return documentLock.run(lockKey(this.model, id), async () => {
      const claimed = await collection.findOneAndUpdate(
        { ...claimable(now), _id: id as never },
        { $set: { outboxLeaseUntil: new Date(now.getTime() + leaseMs) } },
        // No projection: FerretDB does not implement one on findAndModify.
        { returnDocument: 'after' },
      );
      return claimed as unknown as WithOutbox | null;
    });
  }

  /** Removes exactly the published events (new ones appended meanwhile stay) and releases the lease. */
  async remove(id: string, events: OutboxEvent[]): Promise<void> {
    await documentLock.run(lockKey(this.model, id), () =>
      this.model.collection.updateOne({ _id: id as never }, {
        $pullAll: { outbox: events },
        $unset: { outboxLeaseUntil: '' },
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
    return this.model.collection.countDocuments({ 'outbox.0': { $exists: true } });
  }
}
