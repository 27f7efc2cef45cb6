import type { FilterQuery, Model } from 'mongoose';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/**
 * Values that reach a query must be plain strings: a request that smuggles an object (`{"$ne": ...}`)
 * past validation fails here instead of becoming an operator.
 */
export function str(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  return value;
}

/** Newest first, cursor = the last `_id` of the previous page (ids are time-ordered). */
export async function findPage<T>(
  model: Model<T>,
  filter: FilterQuery<T>,
  page: PageRequest,
): Promise<Page<T>> {
  const query: FilterQuery<T> = page.cursor
    ? { ...filter, _id: { $lt: str(page.cursor, 'cursor') } }
    : filter;
  const docs = (await model
    .find(query)
    .sort({ _id: -1 })
    .limit(page.limit + 1)
    .lean()
    .exec()) as T[];
  const items = docs.slice(0, page.limit);
  const last = items[items.length - 1] as { _id?: unknown } | undefined;
  return { items, nextCursor: docs.length > page.limit && last ? String(last._id) : null };
}

/**
 * One of an org's documents by id for a caller who may be guessing: another org's document costs what a
 * missing one does — the first read returns only `_id` and `orgId` (and `also`), so the answer for
 * "not yours" is as small as "absent"; only the org's own document is read whole (a second read). Both
 * reads filter on `_id` alone (FerretDB answers anything else by scanning).
 */
export async function findVisibleDoc<T extends { orgId?: string }>(
  model: Model<T>,
  orgId: string,
  id: string,
  also: Partial<Record<keyof T & string, unknown>> = {},
): Promise<T | null> {
  const org = str(orgId, 'orgId');
  const filter = { _id: str(id, 'id') } as FilterQuery<T>;
  const fields = ['orgId', ...Object.keys(also)];
  const head = (await model
    .findOne(filter, Object.fromEntries(fields.map((f) => [f, 1])))
    .lean()
    .exec()) as Record<string, unknown> | null;
  if (!head || head['orgId'] !== org || Object.entries(also).some(([k, v]) => head[k] !== v)) return null;
  const doc = (await model.findOne(filter).lean().exec()) as T | null;
  return doc?.orgId === org ? doc : null;
}

/**
 * One of an org's documents by id; another org's is as absent as a missing one. The filter is `_id`
 * alone (every Mongo-compatible server answers it from the _id index; FerretDB scans the collection for
 * any other filter) and the org is checked on the document.
 */
export async function findOrgDoc<T extends { orgId?: string }>(
  model: Model<T>,
  orgId: string,
  id: string,
): Promise<T | null> {
  const org = str(orgId, 'orgId');
  const doc = (await model
    .findOne({ _id: str(id, 'id') } as FilterQuery<T>)
    .lean()
    .exec()) as T | null;
  return doc?.orgId === org ? doc : null;
}

/**
 * One org's documents matching plain-equality `filter` (undefined values ignored; every value must be a
 * string, so nothing from a request becomes an operator), newest first, paginated.
 */
export function findOrgPage<T>(
  model: Model<T>,
  orgId: string,
  filter: Record<string, string | undefined>,
  page: PageRequest,
): Promise<Page<T>> {
  const query: Record<string, string> = { orgId: str(orgId, 'orgId') };
  for (const [key, value] of Object.entries(filter)) if (value !== undefined) query[key] = str(value, key);
  return findPage(model, query as FilterQuery<T>, page);
}

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: number }).code === 11000;
}
