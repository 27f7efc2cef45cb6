import { createHash } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, FilterQuery, Model } from 'mongoose';
import { OutboxDispatcher } from '../outbox-dispatcher';
import {
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
import { insertWithEvents } from './write';

/** An id from its parts, hashed (no part becomes the shape of a key); 35 hex digits, the API's cursor shape. */
export function financeId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 35)}`;
}

/** FerretDB stalls on update commands of more than about a hundred statements: writes go 50 at a time. */
const BATCH = 50;

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
   * Stores rows as their latest version: each replaces the stored one only when its version is not older (a
   * stored later version makes the upsert collide on `_id`, which is the "older, ignored" answer). Idempotent:
   * the same rows again change nothing. 50 statements a command.
   */
  async upsertRows(rows: FinanceRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      const ops: AnyBulkWriteOperation<FinanceRow>[] = rows.slice(i, i + BATCH).map((row) => ({
        updateOne: {
          filter: { _id: row._id, version: { $lte: row.version } } as FilterQuery<FinanceRow>,
          update: { $set: row },
          upsert: true,
        },
      }));
      await this.rows.bulkWrite(ops, { ordered: false }).catch((error: { writeErrors?: unknown[] }) => {
        const errors = (error.writeErrors ?? [error]) as { code?: number; err?: { code?: number } }[];
        if (errors.some((e) => (e.code ?? e.err?.code) !== 11000)) throw error;
      });
    }
  }

  /** The agreement's rows (not deleted) of the feeds asked for. */
  agreementRows(orgId: string, agreementId: string, feeds: string[]): Promise<FinanceRow[]> {
    return this.rows
      .find({
        orgId: str(orgId, 'orgId'),
        agreementId: str(agreementId, 'agreementId'),
        feed: { $in: feeds.map((f) => str(f, 'feed')) },
        deleted: false,
      })
      .lean()
      .exec();
  }

  findRow(orgId: string, id: string): Promise<FinanceRow | null> {
    return findOrgDoc(this.rows, orgId, id);
  }

  // ------------------------------------------------------------------ parked lines

  async park(lines: FinanceParkedLine[]): Promise<void> {
    if (!lines.length) return;
    await this.parked.insertMany(lines, { ordered: false }).catch((error: { writeErrors?: unknown[] }) => {
      const errors = (error.writeErrors ?? [error]) as { code?: number; err?: { code?: number } }[];
      if (errors.some((e) => (e.code ?? e.err?.code) !== 11000)) throw error;
    });
  }

  listParked(orgId: string, page: PageRequest): Promise<Page<FinanceParkedLine>> {
    return findPage(this.parked, { orgId: str(orgId, 'orgId') }, page);
  }

  // ------------------------------------------------------------------ deals

  async saveDeal(deal: Omit<FinanceDeal, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.deals.replaceOne({ _id: deal._id }, deal, { upsert: true }).exec();
  }

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

  /** Opens an exception with its event, once: true when it was opened now. */
  async openException(
    exception: Omit<FinanceException, 'createdAt' | 'updatedAt' | 'outbox' | 'outboxPending'>,
    events: OutboxEvent[],
  ): Promise<boolean> {
    try {
      await insertWithEvents(this.exceptions, exception as FinanceException, events, this.outbox);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** A deal's (or, with no agreement, the org's unattached) open exceptions that are no longer found: resolved. */
  async resolveAllBut(orgId: string, agreementId: string, stillOpen: string[]): Promise<void> {
    await this.exceptions
      .updateMany(
        {
          orgId: str(orgId, 'orgId'),
          agreementId: str(agreementId, 'agreementId'),
          status: 'OPEN',
          _id: { $nin: stillOpen.map((id) => str(id, 'id')) },
        },
        { $set: { status: 'RESOLVED', resolvedAt: new Date() } },
      )
      .exec();
  }

  /** Ids of the agreement's open exceptions. */
  async openExceptionIds(orgId: string, agreementId: string): Promise<string[]> {
    const found = await this.exceptions
      .find(
        { orgId: str(orgId, 'orgId'), agreementId: str(agreementId, 'agreementId'), status: 'OPEN' },
        { _id: 1 },
      )
      .lean()
      .exec();
    return found.map((e) => e._id);
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
