import { Injectable, Logger } from '@nestjs/common';
import { parse } from 'csv-parse';
import { Counter } from 'prom-client';
import { SddsGateway, type SddsObject } from '@cppo/marketplace';
import {
  financeId,
  FinanceRepository,
  newId,
  type FinanceFile,
  type FinanceParkedLine,
  type FinanceRow,
  type FinanceSettings,
} from '@cppo/persistence';
import { FinanceEnv } from '../config/finance.env';
import { BOOK_FEEDS, bookLineOf, feedOfKey, isoOf, toRow } from '../feeds/feed-rules';
import { ReconcileService, type DealWork } from '../reconciliation/reconcile.service';
import { DealSpill } from './spill';

const imported = new Counter({
  name: 'cppo_finance_rows_total',
  help: 'Feed rows read by the finance import, by outcome (stored, parked)',
  labelNames: ['outcome'],
});

/** Rows stored (and counted in the import's progress) per batch. */
const FLUSH = 500;

/**
 * Imports an org's Seller Data Delivery Service files: every feed file under its prefix that was not imported
 * at its current ETag is streamed through csv-parse (never held whole), each row kept as its latest version
 * (bi-temporal: a later `update_date` wins, a `delete_date` deletes) — a deal's rows parked on local disk by
 * deal and then merged into the deal's book as the deal is reconciled, other feeds' rows stored as they come;
 * a line that cannot be read parked with its file, line and reason while the rest goes on. One run per org at
 * a time in a process; a file is marked imported only after its deals are reconciled, so a crash re-imports
 * it, which changes nothing.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger(ImportService.name);
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly env: FinanceEnv,
    private readonly finance: FinanceRepository,
    private readonly sdds: SddsGateway,
    private readonly reconciler: ReconcileService,
  ) {}

  /** Starts an import (or joins the one running for the org) and answers its id at once. */
  async start(orgId: string): Promise<string> {
    const settings = await this.finance.getSettings(orgId);
    if (!settings) throw new Error('no SDDS bucket configured: PUT /v1/finance/settings first');
    const id = newId('fim');
    await this.finance.startImport(orgId, id);
    const previous = this.running.get(orgId) ?? Promise.resolve();
    const run = previous.then(() => this.run(settings, id));
    this.running.set(orgId, run);
    void run.finally(() => {
      if (this.running.get(orgId) === run) this.running.delete(orgId);
    });
    return id;
  }

  /** Starts one and waits for it (the schedule, tests). */
  async runNow(orgId: string): Promise<string> {
    const id = await this.start(orgId);
    await this.running.get(orgId);
    return id;
  }

  private async run(settings: FinanceSettings, importId: string): Promise<void> {
    const orgId = settings._id;
    const spill = await DealSpill.open();
    try {
      const objects = await this.sdds.list(orgId, settings.bucket, settings.prefix);
      const imported: FinanceFile[] = [];
      let asOf = '';
      for (const object of objects) {
        const feed = feedOfKey(object.key, settings.prefix);
        if (!feed) continue;
        await this.finance.countImport(importId, { filesSeen: 1 });
        const fileId = financeId('ffl', orgId, settings.bucket, object.key, object.etag);
        if (await this.finance.wasImported(fileId)) {
          await this.finance.countImport(importId, { filesSkipped: 1 });
          continue;
        }
        const counts = await this.importFile(orgId, settings.bucket, object, feed, importId, spill, (row) => {
          const inserted = isoOf(row.data['insert_date'] ?? '').slice(0, 10);
          if (feed === 'billingevent' && inserted > asOf) asOf = inserted;
        });
        imported.push({ _id: fileId, orgId, key: object.key, etag: object.etag, feed, ...counts });
      }
      const before = settings.asOf ?? '';
      const through = await this.finance.advanceAsOf(orgId, asOf);
      // the deals with new rows, and — when the feeds cover a later day — every other known one (a day more
      // may make an invoice overdue)
      await this.reconciler.reconcile(orgId, through, this.work(orgId, spill, through > before));
      // marked only now: a crash before reads the files again, which merges to the same books
      for (const file of imported) {
        await this.finance.markImported(file);
        await this.finance.countImport(importId, { filesImported: 1 });
      }
      await this.finance.finishImport(importId, 'DONE');
    } catch (error) {
      this.logger.error(`import ${importId} of org ${orgId} failed: ${(error as Error).message}`);
      await this.finance.finishImport(importId, 'FAILED', (error as Error).message);
    } finally {
      await spill.close();
    }
  }

  /** The deals to reconcile: the spill's, a partition at a time; then, if asked, the org's other books. */
  private async *work(orgId: string, spill: DealSpill, everyKnown: boolean): AsyncGenerator<DealWork[]> {
    for await (const partition of spill.partitions())
      yield [...partition].map(([agreementId, added]) => ({ agreementId, added }));
    if (!everyKnown) return;
    for await (const agreements of this.finance.bookAgreements(orgId, 500)) {
      const others = agreements.filter((agreementId) => !spill.deals.has(agreementId));
      if (others.length) yield others.map((agreementId) => ({ agreementId, added: [] }));
    }
  }

  /**
   * One file, streamed: an agreement's rows of the billing-event, usage and agreement feeds to the spill (its
   * book is written when the deal is reconciled), other rows stored in batches, unreadable lines parked.
   */
  private async importFile(
    orgId: string,
    bucket: string,
    object: SddsObject,
    feed: string,
    importId: string,
    spill: DealSpill,
    seen: (row: FinanceRow) => void,
  ): Promise<{ rows: number; parked: number }> {
    const body = await this.sdds.open(orgId, bucket, object);
    const parked: FinanceParkedLine[] = [];
    const park = (line: number, reason: string, raw?: string) =>
      parked.push({
        _id: financeId('fpk', orgId, object.key, object.etag, String(line)),
        orgId,
        file: object.key,
        line,
        reason,
        raw: raw?.slice(0, 2000),
      });
    const parser = body.pipe(
      parse({
        columns: true,
        bom: true,
        skip_empty_lines: true,
        skip_records_with_error: true,
        raw: true,
        info: true,
      }),
    );
    parser.on('skip', (error: Error & { lines?: number; raw?: string }) =>
      park(error.lines ?? 0, `not CSV as its header says: ${error.message}`, error.raw),
    );
    let batch: FinanceRow[] = [];
    let rows = 0;
    let uncounted = 0;
    const count = async () => {
      imported.inc({ outcome: 'stored' }, uncounted);
      await this.finance.countImport(importId, { rows: uncounted });
      uncounted = 0;
    };
    for await (const item of parser as AsyncIterable<{
      record: Record<string, string>;
      raw: string;
      info: { lines: number };
    }>) {
      const result = toRow(orgId, feed, item.record);
      if ('problem' in result) {
        park(item.info.lines, result.problem, item.raw);
        continue;
      }
      seen(result.row);
      rows++;
      uncounted++;
      if (result.row.agreementId && BOOK_FEEDS.has(feed))
        await spill.add(result.row.agreementId, bookLineOf(result.row));
      else batch.push(result.row);
      if (batch.length >= FLUSH) {
        await this.finance.upsertRows(batch);
        batch = [];
      }
      if (uncounted >= FLUSH) await count();
    }
    if (batch.length) await this.finance.upsertRows(batch);
    if (uncounted) await count();
    await this.finance.park(parked);
    imported.inc({ outcome: 'parked' }, parked.length);
    if (parked.length) {
      await this.finance.countImport(importId, { parked: parked.length });
      this.logger.warn(`${object.key}: ${parked.length} line(s) parked (GET /v1/finance/parked)`);
    }
    return { rows, parked: parked.length };
  }

  /** Every configured org, one after the other (the schedule). */
  async importAll(): Promise<void> {
    for (const settings of await this.finance.configuredOrgs())
      await this.runNow(settings._id).catch((error: Error) =>
        this.logger.warn(`scheduled import of org ${settings._id}: ${error.message}`),
      );
  }

  get scheduleMs(): number {
    return this.env.FINANCE_IMPORT_MS;
  }
}
