import type { Model, UpdateQuery } from 'mongoose';
import { conditionMode, type Condition } from '../condition';
import { documentLock } from '../document-lock';
import type { OutboxDispatcher } from '../outbox-dispatcher';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { str } from './query';

/** A change to one document, as repositories describe it (translated to Mongo operators here only). */
export interface Patch {
  set?: Record<string, unknown>;
  unset?: string[];
  inc?: Record<string, number>;
  /** Appends one value to each named array. */
  push?: Record<string, unknown>;
}

function toUpdate(patch: Patch, events: OutboxEvent[]): UpdateQuery<unknown> {
  const update: Record<string, unknown> = {};
  const set = { ...patch.set, ...(events.length ? { outboxPending: true } : {}) };
  if (Object.keys(set).length) update['$set'] = set;
  if (patch.unset?.length) update['$unset'] = Object.fromEntries(patch.unset.map((path) => [path, '']));
  if (patch.inc) update['$inc'] = patch.inc;
  const push: Record<string, unknown> = { ...patch.push };
  if (events.length) push['outbox'] = { $each: events };
  if (Object.keys(push).length) update['$push'] = push;
  return update as UpdateQuery<unknown>;
}

export function lockKey(model: { collection: { collectionName: string } }, id: string): string {
  return `${model.collection.collectionName}:${id}`;
}

/**
 * One atomic single-document write of document `id`, only if `condition` holds: the state change and the
 * events it causes (appended to the embedded outbox). Returns the document after the write, or null when
 * it is absent or the condition does not hold (nothing changed, no event queued). Like a new document's,
 * an update's events are stored with the writer's lease and published by the writer at once (no relay
 * scan on the hot path); if it dies, any relay publishes them when the lease expires.
 */
export async function updateWhere<T>(
  model: Model<T>,
  id: string,
  condition: Condition,
  patch: Patch,
  events: OutboxEvent[],
  outbox?: OutboxDispatcher,
): Promise<T | null> {
  const leaseUntil = events.length ? outbox?.leaseUntil() : undefined;
  const update = toUpdate(
    leaseUntil ? { ...patch, set: { ...patch.set, outboxLeaseUntil: leaseUntil } } : patch,
    events,
  );
  const written = await documentLock.run(lockKey(model, id), async () => {
    const write = (filter: Record<string, unknown>) =>
      model
        .findOneAndUpdate(filter, update as UpdateQuery<T>, { new: true })
        .lean()
        .exec() as Promise<T | null>;
    if ((await conditionMode(model.db)) === 'filter') return write({ ...condition.filter, _id: id });
    const current = await model.collection.findOne({ _id: id as never });
    if (!current || !condition.test(current)) return null;
    return write({ _id: id });
  });
  if (written && leaseUntil) await outbox?.stored(model.collection.collectionName, id, events);
  else if (written) outbox?.changed(events);
  return written;
}

/**
 * Inserts a new document with its first events; the writer publishes them at once (they carry its lease,
 * so no relay touches them meanwhile; if it dies, any relay publishes them when the lease expires).
 * `soleWriter`: nothing ever appends events to this document afterwards (e.g. an inbox record), so the
 * outbox is emptied with one blind write. Throws the driver's duplicate-key error on a unique conflict.
 */
export async function insertWithEvents<T extends { _id: string }>(
  model: Model<T>,
  doc: Omit<T, 'outbox'>,
  events: OutboxEvent[],
  outbox?: OutboxDispatcher,
  soleWriter = false,
): Promise<T> {
  const leaseUntil = events.length ? outbox?.leaseUntil() : undefined;
  const created = await model.create(withOutbox(doc, events, leaseUntil));
  await outbox?.stored(model.collection.collectionName, doc._id, events, soleWriter);
  return created.toObject() as T;
}

/** The outbox fields a new document gets with its first events (with the writer's lease, if any). */
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

/** Indexes of a batch write's documents refused as duplicates of a unique key; anything else rethrown. */
function duplicateIndexes(error: unknown): Set<number> {
  const e = error as { code?: number; writeErrors?: unknown };
  const writeErrors = (
    Array.isArray(e?.writeErrors) ? e.writeErrors : e?.writeErrors ? [e.writeErrors] : []
  ) as { index: number; code: number }[];
  if (!writeErrors.length || writeErrors.some((w) => w.code !== 11000)) throw error;
  return new Set(writeErrors.map((w) => w.index));
}

/**
 * One unordered `insertMany` of documents that may exist already (a unique key decides): returns the
 * indexes of those refused as duplicates — what was taken is known from the write itself, without a read.
 */
export async function insertNew(
  model: { collection: { insertMany(docs: never[], options: object): Promise<unknown> } },
  docs: object[],
): Promise<Set<number>> {
  try {
    await model.collection.insertMany(docs as never[], { ordered: false });
    return new Set();
  } catch (error) {
    return duplicateIndexes(error);
  }
}

/**
 * The stored versions of the documents `insertNew` refused as duplicates (`taken`, indexes into `docs`), by
 * `_id`, with `projection`: one read, only when there are any. A refused id missing from the answer was
 * not stored after all.
 */
export async function storedOfTaken(
  model: {
    collection: { find(filter: never, options: object): { toArray(): Promise<Record<string, unknown>[]> } };
  },
  docs: { _id: string }[],
  taken: Set<number>,
  projection: Record<string, 1>,
): Promise<Map<string, Record<string, unknown>>> {
  if (!taken.size) return new Map();
  const ids = [...taken].map((i) => str(docs[i]._id, '_id'));
  const found = await model.collection.find({ _id: { $in: ids } } as never, { projection }).toArray();
  return new Map(found.map((doc) => [String(doc['_id']), doc]));
}
