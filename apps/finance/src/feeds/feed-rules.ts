import { financeId, type FinanceRow } from '@cppo/persistence';

/** A feed file's place in the bucket: `<prefix><feed>_v1/year=YYYY/month=MM/data.csv`. */
const FILE = /^(?<feed>[a-z]+)_v1\/year=\d{4}\/month=\d{2}\/[^/]+\.csv$/;

/** The feeds CPPO Hub reads, and the columns that identify a row in each (AWS's primary keys). */
export const FEED_KEYS: Record<string, readonly string[]> = {
  billingevent: ['billing_event_id'],
  agreement: ['agreement_id'],
  agreementterm: ['agreement_id', 'term_id'],
  offer: ['offer_id', 'offer_revision'],
  offertarget: ['offer_target_id'],
  product: ['product_id'],
  account: ['account_id'],
  legacyidmapping: ['mapping_type', 'legacy_id'],
  dailyusage: ['agreement_id', 'dimension_key', 'usage_date'],
};

/** The feed a key names, or undefined for anything else in the bucket (other feeds, manifests). */
export function feedOfKey(key: string, prefix: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const feed = FILE.exec(key.slice(prefix.length))?.groups?.['feed'];
  return feed && feed in FEED_KEYS ? feed : undefined;
}

const MONEY = /^-?\d+(\.\d+)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** AWS's agreement ids (`agmt-…`): letters, digits, dashes. */
const AGREEMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DATE_COLUMNS = /(_date|^valid_from|^time)$/;

/**
 * One parsed CSV record as a stored row, or why it cannot be one: the key columns present, money columns
 * decimal numbers, date columns ISO-8601 dates (UTC), `amount` with its currency.
 */
export function toRow(
  orgId: string,
  feed: string,
  record: Record<string, string>,
): { row: FinanceRow } | { problem: string } {
  const keyColumns = FEED_KEYS[feed];
  const missing = keyColumns.filter((c) => !record[c]);
  if (missing.length) return { problem: `${missing.join(', ')} missing` };
  for (const [column, value] of Object.entries(record)) {
    if (!value) continue;
    if (DATE_COLUMNS.test(column) && !(INSTANT.test(value) && !Number.isNaN(Date.parse(value))))
      return { problem: `${column}: "${value}" is not an ISO-8601 date` };
    if ((column === 'amount' || column === 'quantity') && !MONEY.test(value))
      return { problem: `${column}: "${value}" is not a decimal number` };
  }
  if (record['agreement_id'] && !AGREEMENT_ID.test(record['agreement_id']))
    return { problem: `agreement_id: "${record['agreement_id'].slice(0, 80)}" is not an agreement id` };
  if (record['amount'] && !(record['currency'] || record['currency_code']))
    return { problem: 'amount without its currency' };
  const key = keyColumns.map((c) => record[c]).join('|');
  const validFrom = record['valid_from'] ?? '';
  const data = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== '' && v !== undefined));
  return {
    row: {
      _id: financeId('frw', orgId, feed, key, validFrom),
      orgId,
      feed,
      key,
      agreementId: record['agreement_id'] || undefined,
      // the later update wins; a feed without update dates (billing events are immutable) by insert date
      version: isoOf(record['update_date'] || record['insert_date'] || ''),
      deleted: !!record['delete_date'],
      data,
    },
  };
}

/** A date column as comparable ISO text (`2026-12-01 10:00:00` and `2026-12-01T10:00:00Z` alike). */
export function isoOf(value: string): string {
  if (!value) return '';
  const ms = Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/**
 * The feeds whose rows belong to one deal and are what reconciliation reads: kept in the deal's own document
 * (its book), not one document per row, so that a deal is one read and one write (FerretDB reads a whole
 * collection for any query but one by `_id`: reading a deal's rows back by agreement cost more than importing
 * them). The other feeds are stored a row each.
 */
export const BOOK_FEEDS: ReadonlySet<string> = new Set(['billingevent', 'dailyusage', 'agreement']);

/** A row as its deal's book keeps it: identity (feed, key, valid_from), version, deleted, columns. */
export interface BookLine {
  /** feed, key and valid_from: a later version of the same identity replaces it. */
  id: string;
  version: string;
  deleted?: true;
  feed: string;
  data: Record<string, string>;
}

/** A stored row as a book line (one JSON text: the book is one string, which the database reads whole). */
export function bookLineOf(row: FinanceRow): string {
  const line: BookLine = {
    id: `${row.feed}|${row.key}|${row.data['valid_from'] ?? ''}`,
    version: row.version,
    feed: row.feed,
    data: row.data,
  };
  if (row.deleted) line.deleted = true;
  return JSON.stringify(line);
}

/**
 * A deal's book with lines added, collapsed bi-temporally: per identity the latest version (a deleted one
 * included, so an older copy read again cannot bring the row back); the same line twice is one. Answers the
 * book to store and its current lines (deleted ones left out).
 */
export function mergeBook(
  stored: string | undefined,
  added: readonly string[],
): { book: string; lines: BookLine[] } {
  const latest = new Map<string, { line: BookLine; text: string }>();
  const take = (text: string) => {
    if (!text) return;
    const line = JSON.parse(text) as BookLine;
    const held = latest.get(line.id);
    if (!held || line.version > held.line.version) latest.set(line.id, { line, text });
  };
  for (const text of stored ? stored.split('\n') : []) take(text);
  for (const text of added) take(text);
  const kept = [...latest.values()];
  return {
    book: kept.map((k) => k.text).join('\n'),
    lines: kept.filter((k) => !k.line.deleted).map((k) => k.line),
  };
}
