import { Injectable, Logger } from '@nestjs/common';
import { parse } from 'csv-parse';
import { Counter } from 'prom-client';
import { SddsGateway, type SddsObject } from '@cppo/marketplace';
import {
  financeId,
  FinanceRepository,
  newId,
  type FinanceParkedLine,
  type FinanceRow,
  type FinanceSettings,
} from '@cppo/persistence';
import { FinanceEnv } from '../config/finance.env';
import { feedOfKey, isoOf, toRow } from '../feeds/feed-rules';
import { ReconcileService } from '../reconciliation/reconcile.service';

const imported = new Counter({
  name: 'cppo_finance_rows_total',
  help: 'Feed rows read by the finance import, by outcome (stored, parked)',
  labelNames: ['outcome'],
});

/** Rows written per batch (FerretDB: at most 50 statements per update command; the repository splits). */
const FLUSH = 500;

/**
 * Imports an org's Seller Data Delivery Service files: every feed file under its prefix that was not imported
 * at its current ETag is streamed through csv-parse (never held whole), each row stored as its latest version
 * (bi-temporal: a later `update_date` wins, a `delete_date` deletes), a line that cannot be read parked with
 * its file, line and reason while the rest goes on; then the deals the new rows touch are reconciled. One run
 * per org at a time in a process; a file is marked imported only after its rows are stored, so a crash
 * re-imports it, which changes nothing.
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
    try {
      const objects = await this.sdds.list(orgId, settings.bucket, settings.prefix);
      const touched = new Set<string>();
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
        const counts = await this.importFile(orgId, settings.bucket, object, feed, importId, (row) => {
          if (row.agreementId && (feed === 'billingevent' || feed === 'dailyusage' || feed === 'agreement'))
            touched.add(row.agreementId);
          const inserted = isoOf(row.data['insert_date'] ?? '').slice(0, 10);
          if (feed === 'billingevent' && inserted > asOf) asOf = inserted;
        });
        await this.finance.markImported({
          _id: fileId,
          orgId,
          key: object.key,
          etag: object.etag,
          feed,
          ...counts,
        });
        await this.finance.countImport(importId, { filesImported: 1 });
      }
      const before = settings.asOf ?? '';
      const through = await this.finance.advanceAsOf(orgId, asOf);
      // the deals the new rows touch, and — when the feeds cover a later day — every known deal (a day more
      // may make an invoice overdue); nothing new: nothing to reconcile
      const known =
        through > before ? (await this.finance.listDeals(orgId, {})).map((d) => d.agreementId) : [];
      await this.reconciler.reconcile(orgId, [...new Set([...touched, ...known])], through);
      await this.finance.finishImport(importId, 'DONE');
    } catch (error) {
      this.logger.error(`import ${importId} of org ${orgId} failed: ${(error as Error).message}`);
      await this.finance.finishImport(importId, 'FAILED', (error as Error).message);
    }
  }

  /** One file, streamed: rows stored in batches, unreadable lines parked. */
  private async importFile(
    orgId: string,
    bucket: string,
    object: SddsObject,
    feed: string,
    importId: string,
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
    const flush = async () => {
      await this.finance.upsertRows(batch);
      rows += batch.length;
      imported.inc({ outcome: 'stored' }, batch.length);
      await this.finance.countImport(importId, { rows: batch.length });
      batch = [];
    };
    for await (const item of parser as AsyncIterable<{
      record: Record<string, string>;
      raw: string;
      info: { lines: number };
    }>) {
      const result = toRow(orgId, feed, item.record);
      if ('problem' in result) park(item.info.lines, result.problem, item.raw);
      else {
        seen(result.row);
        batch.push(result.row);
      }
      if (batch.length >= FLUSH) await flush();
    }
    if (batch.length) await flush();
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
