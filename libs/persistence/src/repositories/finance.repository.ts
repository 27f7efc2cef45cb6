import { createHash } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, FilterQuery, Model } from 'mongoose';
import { forEachLimited } from '@cppo/runtime';
import { OutboxDispatcher } from '../outbox-dispatcher';
import {
  FinanceBook,
  FinanceDeal,
  FinanceException,
  FinanceFile,
  FinanceImport,
  FinanceParkedLine,
  FinanceRow,
  FinanceSettings,
} from '../schemas/finance.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { findOrgDoc, findPage, isDuplicateKeyError, str, type Page, type PageRequest } from './query';
import { insertNew, insertWithEvents, storedOfTaken } from './write';

/** An id from its parts, hashed (no part becomes the shape of a key); 35 hex digits, the API's cursor shape. */
export function financeId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 35)}`;
}

/** FerretDB stalls on update commands of more than about a hundred statements: updates go 50 at a time. */
const BATCH = 50;
const INSERT_BATCH = 200;

export type FinanceImportCounters = Partial<
  Pick<FinanceImport, 'filesSeen' | 'filesImported' | 'filesSkipped' | 'rows' | 'parked'>
>;

/** Finance's collections (the finance service is their one writer). */
@Injectable()
export class FinanceRepository {
  constructor(
    @InjectModel(FinanceSettings.name) private readonly settings: Model<FinanceSettings>,
    @InjectModel(FinanceImport.name) private readonly imports: Model<FinanceImport>,
    @InjectModel(FinanceFile.name) private readonly files: Model<FinanceFile>,
    @InjectModel(FinanceRow.name) private readonly rows: Model<FinanceRow>,
    @InjectModel(FinanceBook.name) private readonly books: Model<FinanceBook>,
    @InjectModel(FinanceParkedLine.name) private readonly parked: Model<FinanceParkedLine>,
    @InjectModel(FinanceDeal.name) private readonly deals: Model<FinanceDeal>,
    @InjectModel(FinanceException.name) private readonly exceptions: Model<FinanceException>,
    @Optional() private readonly outbox?: OutboxDispatcher,
  ) {}

  // ------------------------------------------------------------------ settings

  getSettings(orgId: string): Promise<FinanceSettings | null> {
    return this.settings.findById(str(orgId, 'orgId')).lean().exec();
  }

  async putSettings(orgId: string, bucket: string, prefix: string): Promise<FinanceSettings> {
    return (await this.settings
      .findByIdAndUpdate(
        str(orgId, 'orgId'),
        { $set: { bucket: str(bucket, 'bucket'), prefix: str(prefix, 'prefix') } },
        { upsert: true, new: true },
      )
      .lean()
      .exec()) as FinanceSettings;
  }

  /** Moves the day the feeds cover forward (never back); answers it. */
  async advanceAsOf(orgId: string, asOf: string): Promise<string> {
    const current = (await this.getSettings(orgId))?.asOf ?? '';
    if (asOf <= current) return current;
    await this.settings.updateOne({ _id: str(orgId, 'orgId') }, { $set: { asOf: str(asOf, 'asOf') } }).exec();
    return asOf;
  }

  /** Orgs with a bucket configured (the scheduled import's list). */
  configuredOrgs(): Promise<FinanceSettings[]> {
    return this.settings.find({}).lean().exec();
  }

  // ------------------------------------------------------------------ imports and files

  async startImport(orgId: string, id: string): Promise<FinanceImport> {
    const created = await this.imports.create({ _id: id, orgId, status: 'RUNNING' });
    return created.toObject();
  }

  async countImport(id: string, counters: FinanceImportCounters): Promise<void> {
    await this.imports.updateOne({ _id: str(id, 'id') }, { $inc: counters }).exec();
  }

  async finishImport(id: string, status: 'DONE' | 'FAILED', error?: string): Promise<void> {
    await this.imports
      .updateOne({ _id: str(id, 'id') }, { $set: { status, error, finishedAt: new Date() } })
      .exec();
  }

  findImport(orgId: string, id: string): Promise<FinanceImport | null> {
    return findOrgDoc(this.imports, orgId, id);
  }

  async wasImported(fileId: string): Promise<boolean> {
    return !!(await this.files.exists({ _id: str(fileId, 'fileId') }).exec());
  }

  async markImported(file: FinanceFile): Promise<void> {
    await this.files.create(file).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  // ------------------------------------------------------------------ rows

  /**
   * Stores rows as their latest version, in few round trips: one `insertMany` per 200 rows (a first import
   * is only that); the rows already stored are read by `_id` and replaced only where this version is later (a
   * month's file read again after AWS appended a day: its earlier rows cost that one read, no write). The
   * same rows again change nothing.
   */
  async upsertRows(rows: FinanceRow[]): Promise<{ inserted: number; replaced: number }> {
    let inserted = 0;
    let replaced = 0;
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      // the driver's insert (rows are plain documents: mongoose's casting was a third of the CPU)
      const takenAt = await insertNew(this.rows, batch);
      inserted += batch.length - takenAt.size;
      if (!takenAt.size) continue;
      const taken = [...takenAt].map((i) => batch[i]);
      const storedDocs = await storedOfTaken(this.rows, batch, takenAt, { version: 1 });
      const stored = new Map([...storedDocs].map(([id, doc]) => [id, String(doc['version'] ?? '')]));
      // the latest of several versions in this batch, where it is later than the stored one
      const newer = new Map<string, FinanceRow>();
      for (const row of taken)
        if (row.version > (stored.get(row._id) ?? '') && row.version >= (newer.get(row._id)?.version ?? ''))
          newer.set(row._id, row);
      const updates = [...newer.values()];
      for (let j = 0; j < updates.length; j += BATCH) {
        const ops: AnyBulkWriteOperation<FinanceRow>[] = updates.slice(j, j + BATCH).map((row) => ({
          updateOne: {
            filter: { _id: row._id, version: { $lt: row.version } } as FilterQuery<FinanceRow>,
            update: { $set: row },
          },
        }));
        await this.rows.bulkWrite(ops, { ordered: false });
      }
      replaced += updates.length;
    }
    return { inserted, replaced };
  }

  findRow(orgId: string, id: string): Promise<FinanceRow | null> {
    return findOrgDoc(this.rows, orgId, id);
  }

  // ------------------------------------------------------------------ parked lines

  async park(lines: FinanceParkedLine[]): Promise<void> {
    if (!lines.length) return;
    await insertNew(this.parked, lines); // a line parked before stays as it was
  }

  listParked(orgId: string, page: PageRequest): Promise<Page<FinanceParkedLine>> {
    return findPage(this.parked, { orgId: str(orgId, 'orgId') }, page);
  }

  /** Stores deals as reconciled (50 replacements a command). */
  async saveDeals(deals: Omit<FinanceDeal, 'createdAt' | 'updatedAt'>[]): Promise<void> {
    const now = new Date();
    for (let i = 0; i < deals.length; i += BATCH)
      await this.deals.bulkWrite(
        deals.slice(i, i + BATCH).map((deal) => ({
          replaceOne: { filter: { _id: deal._id }, replacement: { ...deal, updatedAt: now }, upsert: true },
        })),
        { ordered: false, throwOnValidationError: true },
      );
  }

  // ------------------------------------------------------------------ books

  /**
   * The stored books of these agreements (none for one not stored yet): a read by `_id` each, 16 at a time —
   * the one query FerretDB answers from an index; an agreement new to the feeds costs a miss.
   */
  async readBooks(orgId: string, agreementIds: string[]): Promise<Map<string, string>> {
    const books = new Map<string, string>();
    await forEachLimited(agreementIds, 16, async (agreementId) => {
      const found = await this.books
        .findById(financeId('fbk', str(orgId, 'orgId'), str(agreementId, 'agreementId')), { book: 1 })
        .lean()
        .exec();
      if (found) books.set(agreementId, found.book ?? '');
    });
    return books;
  }

  /** Stores books (50 replacements a command). */
  async saveBooks(orgId: string, books: { agreementId: string; book: string }[]): Promise<void> {
    const now = new Date();
    for (let i = 0; i < books.length; i += BATCH)
      await this.books.bulkWrite(
        books.slice(i, i + BATCH).map(({ agreementId, book }) => {
          const _id = financeId('fbk', orgId, agreementId);
          return {
            replaceOne: {
              filter: { _id },
              replacement: { _id, orgId, agreementId, book, updatedAt: now },
              upsert: true,
            },
          };
        }),
        // a replacement mongoose finds invalid would be left out silently: fail instead
        { ordered: false, throwOnValidationError: true },
      );
  }

  /** The agreements of an org's books, `size` at a time, through one cursor (the books themselves stay). */
  async *bookAgreements(orgId: string, size: number): AsyncGenerator<string[]> {
    let batch: string[] = [];
    const cursor = this.books
      .find({ orgId: str(orgId, 'orgId') }, { agreementId: 1 })
      .lean()
      .cursor({ batchSize: size });
    for await (const found of cursor) {
      batch.push(found.agreementId);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  // ------------------------------------------------------------------ deals

  findDeal(orgId: string, agreementId: string): Promise<FinanceDeal | null> {
    return findOrgDoc(this.deals, orgId, financeId('fdl', orgId, agreementId));
  }

  /** An org's deals (at most `limit`), filtered. */
  listDeals(
    orgId: string,
    filter: { status?: string; partnerAccountId?: string },
    limit = 10_000,
  ): Promise<FinanceDeal[]> {
    const query: Record<string, unknown> = { orgId: str(orgId, 'orgId') };
    if (filter.status) query['status'] = str(filter.status, 'status');
    if (filter.partnerAccountId) query['partnerAccountId'] = str(filter.partnerAccountId, 'partner');
    return this.deals.find(query).sort({ _id: 1 }).limit(limit).lean().exec();
  }

  // ------------------------------------------------------------------ exceptions

  /**
   * Opens an exception with its event, once: true when it was opened now. One resolved earlier and found
   * again is open again, without a second event (its webhook went out when it first opened).
   */
  async openException(
    exception: Omit<FinanceException, 'createdAt' | 'updatedAt' | 'outbox' | 'outboxPending'>,
    events: OutboxEvent[],
  ): Promise<boolean> {
    try {
      await insertWithEvents(this.exceptions, exception as FinanceException, events, this.outbox);
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await this.exceptions
        .updateOne(
          { _id: exception._id, status: 'RESOLVED' },
          { $set: { status: 'OPEN', detail: exception.detail }, $unset: { resolvedAt: '' } },
        )
        .exec();
      return false;
    }
  }

  /** The open exceptions of these deals that are no longer found: resolved (one command). */
  async resolveAllBut(orgId: string, agreementIds: string[], stillOpen: string[]): Promise<void> {
    await this.exceptions
      .updateMany(
        {
          orgId: str(orgId, 'orgId'),
          agreementId: { $in: agreementIds.map((id) => str(id, 'agreementId')) },
          status: 'OPEN',
          _id: { $nin: stillOpen.map((id) => str(id, 'id')) },
        },
        { $set: { status: 'RESOLVED', resolvedAt: new Date() } },
      )
      .exec();
  }

  listExceptions(
    orgId: string,
    status: string | undefined,
    page: PageRequest,
  ): Promise<Page<FinanceException>> {
    const query: Record<string, unknown> = { orgId: str(orgId, 'orgId') };
    if (status) query['status'] = str(status, 'status');
    return findPage(this.exceptions, query as FilterQuery<FinanceException>, page);
  }
}
