import type { Collection, Connection, Schema } from 'mongoose';
import { serverKind, type ServerKind } from './condition';

/** What index creation needs of a model. */
interface IndexedModel {
  schema: Schema;
  collection: Collection;
  createCollection(): Promise<unknown>;
  createIndexes(): Promise<unknown>;
}

/** The name the server gives an index of these fields (unless the schema names it). */
function indexName(fields: Record<string, unknown>, options: { name?: string }): string {
  return (
    options.name ??
    Object.entries(fields)
      .map(([field, order]) => `${field}_${String(order)}`)
      .join('_')
  );
}

/**
 * Creates the collections and their schemas' indexes (before a service serves, so a unique index is never
 * missing when the first write arrives).
 *
 * On FerretDB (1.x) only the **unique** indexes are made: it answers every query but an exact `_id` filter
 * by scanning, so a secondary index serves no read there while every insert and update maintains it
 * (measured on FerretDB: 2,000 reports inserted at 6,100/s with the ledger's four indexes, 8,800–12,900/s
 * without; updated at ~1,000/s vs ~1,300/s). Secondary indexes an earlier version made there are dropped.
 * On any other server every index is made. The server decides, not `MONGO_CONDITIONS` (forcing the
 * FerretDB way of writing onto MongoDB must not cost it its indexes); `kind` overrides it for tests.
 */
export async function ensureIndexes(
  connection: Connection,
  models: IndexedModel[] = Object.values(connection.models),
  kind?: ServerKind,
): Promise<void> {
  const everyIndex = (kind ?? (await serverKind(connection))) !== 'ferretdb';
  for (const model of models) {
    await model.createCollection().catch(() => undefined);
    if (everyIndex) {
      await model.createIndexes();
      continue;
    }
    const existing = new Set((await model.collection.indexes().catch(() => [])).map((index) => index.name));
    for (const [fields, options] of model.schema.indexes()) {
      if (options?.['unique']) await model.collection.createIndex(fields as never, options as never);
      else {
        const name = indexName(fields, options ?? {});
        // Replicas starting together may race to drop it: gone is gone (IndexNotFound, code 27).
        if (existing.has(name))
          await model.collection.dropIndex(name).catch((error: { code?: number }) => {
            if (error.code !== 27) throw error;
          });
      }
    }
  }
}
