import type { Model, UpdateQuery } from 'mongoose';
import { enforcesConditionsAtomically, updateIf } from '../conditional-update';
import { documentLock } from '../document-lock';
import type { OutboxEvent, OutboxHolder } from '../schemas/outbox-event.schema';

type WithOutbox = OutboxHolder & { _id: string };

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
  return documentLock.run(lockKey(model, id), () =>
    updateIf(
      model,
      id,
      filter,
      (selector) =>
        model
          .findOneAndUpdate(selector, withEvents as UpdateQuery<T>, { new: true })
          .lean()
          .exec() as Promise<T | null>,
    ),
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

/**
 * The fields a new document gets with its first events. With `leaseUntil`, the writer keeps the lease on
 * them: it publishes them itself at once (`OutboxRelay.publishOwned`), and other relays leave them alone
 * until the lease expires — then they are published by whoever finds them, as after any crash.
 */
export function withOutbox<T extends object>(
  doc: T,
  events: OutboxEvent[],
  leaseUntil?: Date,
): T & { outbox: OutboxEvent[]; outboxPending?: true; outboxLeaseUntil?: Date } {
  if (!events.length) return { ...doc, outbox: [] };
  return {
    ...doc,
    outbox: events,
    outboxPending: true,
    ...(leaseUntil ? { outboxLeaseUntil: leaseUntil } : {}),
  };
}

/**
 * The relay's view of one collection with an embedded outbox. It works on the driver collection: the
 * envelopes are published exactly as stored, with no schema casting in between.
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
      updateIf(this.model, id, claimable(now), (filter) =>
        this.model.collection.findOneAndUpdate(
          filter,
          { $set: { outboxLeaseUntil: new Date(now.getTime() + leaseMs) } },
          // No projection: FerretDB does not implement one on findAndModify.
          { returnDocument: 'after' },
        ),
      ),
    );
    return claimed as unknown as WithOutbox | null;
  }

  /**
   * Removes exactly the published events, by messageId (new ones appended meanwhile stay), releases the
   * lease, and clears the pending flag once the outbox is empty (a crash in between leaves an empty
   * claim, harmless).
   */
  async remove(id: string, events: OutboxEvent[]): Promise<void> {
    const published = events.map((event) => event.messageId);
    await documentLock.run(lockKey(this.model, id), async () => {
      if (await enforcesConditionsAtomically(this.model)) return this.removeAtomically(id, published);
      // FerretDB: no `$pull` with a condition, and one process is the unit of correctness (see
      // DocumentLock); under the lock, read by _id and write back what remains, both through the _id index.
      const current = await this.model.collection.findOne({ _id: id as never });
      if (!current) return;
      const remaining = (current['outbox'] as OutboxEvent[]).filter((e) => !published.includes(e.messageId));
      await this.model.collection.updateOne({ _id: id as never }, {
        $set: { outbox: remaining },
        $unset: { outboxLeaseUntil: '', ...(remaining.length ? {} : { outboxPending: '' }) },
      } as never);
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

  private async removeAtomically(id: string, published: string[]): Promise<void> {
    const collection = this.model.collection;
    const after = await collection.findOneAndUpdate(
      { _id: id as never },
      { $pull: { outbox: { messageId: { $in: published } } }, $unset: { outboxLeaseUntil: '' } } as never,
      { returnDocument: 'after' },
    );
    if (!after || (after['outbox'] as unknown[]).length) return;
    // Conditional: an event appended by another process since the update above keeps the flag.
    await collection.updateOne({ _id: id as never, outbox: { $size: 0 } } as never, {
      $unset: { outboxPending: '' },
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
