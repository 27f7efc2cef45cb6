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

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: number }).code === 11000;
}
