import type { Connection } from 'mongoose';
import sift from 'sift';

/** The part of a mongoose model (or connection holder) this module needs. */
interface HasConnection {
  db: Connection;
  collection: { findOne(filter: object): Promise<unknown> };
}

const atomicByConnection = new WeakMap<Connection, Promise<boolean>>();

/**
 * Whether the server applies a filter and an update to one document atomically and finds the document
 * through an index whatever else the filter holds. MongoDB (and DocumentDB, Cosmos DB) do. FerretDB 1.x
 * does neither: it reads, then writes; and its SQLite backend uses an index only for a filter that is
 * exactly `{ _id }` — any other condition scans the collection. Detected once per connection.
 */
export function enforcesConditionsAtomically(model: HasConnection): Promise<boolean> {
  const connection = model.db;
  let known = atomicByConnection.get(connection);
  if (!known) {
    known = connection
      .asPromise()
      .then((ready) => {
        if (!ready.db) throw new Error('Mongo connection has no database');
        return ready.db.admin().command({ buildInfo: 1 });
      })
      .then((info) => !('ferretdbVersion' in info));
    // A failed probe (server away) is not remembered: the next call asks again.
    known.catch(() => atomicByConnection.delete(connection));
    atomicByConnection.set(connection, known);
  }
  return known;
}

/**
 * Runs `apply` with a filter selecting document `id` only if it matches `condition`, and returns its
 * result, or null when the document is absent or does not match.
 *
 * On MongoDB the condition goes into the filter: the server checks and updates atomically. On FerretDB,
 * the caller must hold the document's {@link documentLock} (which is what makes one process correct
 * there); the condition is checked here against the current document (`current` when the caller just
 * read it under the same lock), and the update is sent with `{ _id }` alone, which FerretDB serves from
 * its _id index instead of scanning the collection.
 */
export async function updateIf<R>(
  model: HasConnection,
  id: string,
  condition: Record<string, unknown>,
  apply: (filter: Record<string, unknown>) => Promise<R | null>,
  current?: object,
): Promise<R | null> {
  if (!Object.keys(condition).length) return apply({ _id: id });
  if (await enforcesConditionsAtomically(model)) return apply({ ...condition, _id: id });
  const doc = current ?? (await model.collection.findOne({ _id: id }));
  if (!doc || !matches(condition, doc)) return null;
  return apply({ _id: id });
}

/** MongoDB query semantics on one in-memory document (sift implements the query language). */
export function matches(condition: Record<string, unknown>, doc: object): boolean {
  return sift(condition)(doc);
}
