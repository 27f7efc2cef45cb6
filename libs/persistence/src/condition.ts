import type { Connection } from 'mongoose';

/**
 * A condition a conditional write must hold, in two forms that mean the same thing: a Mongo filter (for
 * servers that apply filter and update atomically) and a test of the current document (for those that do
 * not). Only the combinators below build conditions, so every condition the code uses is one of a few
 * known shapes whose two forms are tested against each other (condition.integration-spec.ts).
 */
export interface Condition {
  readonly filter: Record<string, unknown>;
  test(doc: object): boolean;
}

function valueAt(doc: object, path: string): unknown {
  let value: unknown = doc;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

export const when = {
  /** Always true: an unconditional write. */
  always: (): Condition => ({ filter: {}, test: () => true }),

  /** `path` equals `value` (a scalar). */
  equals: (path: string, value: string | number | boolean): Condition => ({
    filter: { [path]: value },
    test: (doc) => same(valueAt(doc, path), value),
  }),

  /** `path` is one of `values`. */
  oneOf: (path: string, values: readonly (string | number)[]): Condition => ({
    filter: { [path]: { $in: [...values] } },
    test: (doc) => values.some((v) => same(valueAt(doc, path), v)),
  }),

  /** `path` is set (not undefined, not null). */
  present: (path: string): Condition => ({
    filter: { [path]: { $exists: true, $ne: null } },
    test: (doc) => valueAt(doc, path) !== undefined && valueAt(doc, path) !== null,
  }),

  /** `path` is not set (undefined or null). */
  absent: (path: string): Condition => ({
    filter: { [path]: null },
    test: (doc) => valueAt(doc, path) === undefined || valueAt(doc, path) === null,
  }),

  /** The array at `path` (or a missing one) does not contain `value`. */
  lacks: (path: string, value: string): Condition => ({
    filter: { [path]: { $ne: value } },
    test: (doc) => {
      const array = valueAt(doc, path);
      return !Array.isArray(array) || !array.includes(value);
    },
  }),

  /** `path` is unset or before `date`. */
  unsetOrBefore: (path: string, date: Date): Condition => ({
    filter: { $or: [{ [path]: null }, { [path]: { $lt: date } }] },
    test: (doc) => {
      const value = valueAt(doc, path);
      return value === undefined || value === null || (value instanceof Date && value < date);
    },
  }),

  all: (...conditions: Condition[]): Condition => ({
    filter: conditions.length ? { $and: conditions.map((c) => c.filter) } : {},
    test: (doc) => conditions.every((c) => c.test(doc)),
  }),

  any: (...conditions: Condition[]): Condition => ({
    filter: { $or: conditions.map((c) => c.filter) },
    test: (doc) => conditions.some((c) => c.test(doc)),
  }),
};

/**
 * How conditional writes are made on a connection:
 * - `filter`: the condition is part of the update's filter; the server checks and writes atomically
 *   (MongoDB, DocumentDB, Cosmos DB).
 * - `read-check-write`: under the in-process document lock, read the document by `_id`, test the
 *   condition here, write by `_id` alone (FerretDB 1.x, which neither applies a filter and an update
 *   atomically nor uses an index for anything but an exact `_id` filter).
 */
export type ConditionMode = 'filter' | 'read-check-write';

const modes = new WeakMap<Connection, Promise<ConditionMode>>();
const kinds = new WeakMap<Connection, Promise<ServerKind>>();

export type ServerKind = 'mongodb' | 'ferretdb';

/** What the server of a connection is (its `buildInfo` names FerretDB); asked once per connection. */
export function serverKind(connection: Connection): Promise<ServerKind> {
  let known = kinds.get(connection);
  if (!known) {
    known = connection
      .asPromise()
      .then((ready) => {
        if (!ready.db) throw new Error('Mongo connection has no database');
        return ready.db.admin().command({ buildInfo: 1 });
      })
      .then((info): ServerKind => ('ferretdbVersion' in info ? 'ferretdb' : 'mongodb'));
    // A failed probe (server away) is not remembered: the next call asks again.
    known.catch(() => kinds.delete(connection));
    kinds.set(connection, known);
  }
  return known;
}

/**
 * Sets the mode of a connection (`MONGO_CONDITIONS`: `auto` asks the server, FerretDB → read-check-write;
 * `filter` / `read-check-write` force one, e.g. to run the MongoDB branch against FerretDB in tests).
 */
export function setConditionMode(connection: Connection, mode: ConditionMode | 'auto'): void {
  if (mode === 'auto') modes.delete(connection);
  else modes.set(connection, Promise.resolve(mode));
}

export function conditionMode(connection: Connection): Promise<ConditionMode> {
  const forced = modes.get(connection);
  if (forced) return forced;
  return serverKind(connection).then((kind) => (kind === 'ferretdb' ? 'read-check-write' : 'filter'));
}
