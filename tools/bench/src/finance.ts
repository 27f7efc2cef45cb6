import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import mongoose from 'mongoose';
import { startServiceProcess, uniqueName, waitFor } from '@cppo/testing';
import { mongoCommands, prepareServices, processCpuMicros, type BenchContext, type Row } from './bench';

const COLUMNS = [
  'billing_event_id',
  'agreement_id',
  'product_id',
  'action',
  'transaction_type',
  'parent_billing_event_id',
  'disbursement_billing_event_id',
  'currency',
  'amount',
  'invoice_date',
  'payment_due_date',
  'insert_date',
];

const FINANCE_NODE_OPTIONS = '--max-old-space-size=256';

const agreementOf = (a: number) => `agmt-bench${String(a).padStart(15, '0')}`;

/**
 * A year of billing events for `agreements` deals, as SDDS delivers them: per deal and month an invoice (rev
 * share and listing fee) and its disbursement (two DISBURSED lines and the payout) — five rows — in twelve
 * month files.
 */
function yearOfFeeds(agreements: number): { key: string; body: string; rows: number }[] {
  const files: { key: string; body: string; rows: number }[] = [];
  for (let month = 1; month <= 12; month++) {
    const mm = String(month).padStart(2, '0');
    const lines = [COLUMNS.join(',')];
    for (let a = 0; a < agreements; a++) {
      const agreement = agreementOf(a);
      const id = (kind: string) =>
        `be-${createHash('sha1').update(`${agreement}|${month}|${kind}`).digest('hex').slice(0, 24)}`;
      const day = `2026-${mm}-05T00:00:00Z`;
      const paid = `2026-${mm}-12T00:00:00Z`;
      const row = (values: string[]) => lines.push(values.join(','));
      row([
        id('rev'),
        agreement,
        'prod-bench',
        'INVOICED',
        'SELLER_REV_SHARE',
        '',
        '',
        'USD',
        '1000.00',
        day,
        `2026-${mm}-28T00:00:00Z`,
        day,
      ]);
      row([
        id('fee'),
        agreement,
        'prod-bench',
        'INVOICED',
        'AWS_REV_SHARE',
        '',
        '',
        'USD',
        '-30.00',
        day,
        '',
        day,
      ]);
      row([
        id('rev-paid'),
        agreement,
        'prod-bench',
        'DISBURSED',
        'SELLER_REV_SHARE',
        id('rev'),
        id('payout'),
        'USD',
        '1000.00',
        paid,
        '',
        paid,
      ]);
      row([
        id('fee-paid'),
        agreement,
        'prod-bench',
        'DISBURSED',
        'AWS_REV_SHARE',
        id('fee'),
        id('payout'),
        'USD',
        '-30.00',
        paid,
        '',
        paid,
      ]);
      row([
        id('payout'),
        agreement,
        'prod-bench',
        'DISBURSED',
        'DISBURSEMENT',
        '',
        id('payout'),
        'USD',
        '-970.00',
        paid,
        '',
        paid,
      ]);
    }
    files.push({
      key: `billingevent_v1/year=2026/month=${mm}/data.csv`,
      body: `${lines.join('\r\n')}\r\n`,
      rows: lines.length - 1,
    });
  }
  return files;
}

/**
 * `npm run bench -- finance [--count 1000]`: a year of billing-event feeds for `count` agreements in the local
 * S3; the finance service (a process) imports them — streamed, every row stored as its latest version, the
 * deals reconciled — next to a raw loop in this process that streams the same files through csv-parse and
 * `insertMany`s the rows (200 at a time) into a collection of its own. Then the same files imported again
 * (nothing to change), and the service's peak memory.
 */
export async function financeSuite(ctx: BenchContext, agreements: number): Promise<Row[]> {
  const services = await prepareServices(ctx);
  const s3 = new S3Client({
    endpoint: ctx.emulator.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const bucket = uniqueName('sdds')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '');
  const files = yearOfFeeds(agreements);
  const total = files.reduce((s, f) => s + f.rows, 0);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const f of files) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: f.key, Body: f.body }));

  // Raw: csv-parse + insertMany of the same rows, streamed the same way (from memory, no S3 in the way).
  const raw = await mongoose.createConnection(services.databaseUrl).asPromise();
  // The deals are ours: an opportunity of twelve monthly installments of 1,000 and an entitlement per
  // agreement, so that the reconciliation finds them as expected (no exception to open).
  const orgId = services.org.orgId;
  await raw.collection('offers').insertOne({
    _id: 'off_bench_installments',
    orgId,
    type: 'CPPO_OUT',
    status: 'ACTIVE',
    name: 'bench',
    productId: 'prod-bench',
    terms: {
      commitAmount: { amount: '12000.00', currency: 'USD' },
      installments: Array.from({ length: 12 }, (_, m) => ({
        chargeDate: `2026-${String(m + 1).padStart(2, '0')}-05`,
        amount: '1000.00',
      })),
    },
  } as never);
  for (let a = 0; a < agreements; a += 500)
    await raw.collection('entitlements').insertMany(
      Array.from({ length: Math.min(500, agreements - a) }, (_, i) => ({
        _id: `ent_bench${String(a + i).padStart(15, '0')}`,
        orgId,
        agreementId: agreementOf(a + i),
        type: 'CPPO',
        status: 'ACTIVE',
        opportunityId: 'off_bench_installments',
        acceptanceTime: new Date('2026-01-01T00:00:00Z'),
        startTime: new Date('2026-01-01T00:00:00Z'),
      })) as never[],
    );
  const rawStarted = performance.now();
  for (const f of files) {
    let batch: Record<string, unknown>[] = [];
    for await (const record of Readable.from([f.body]).pipe(parse({ columns: true })) as AsyncIterable<
      Record<string, string>
    >) {
      batch.push({ _id: record['billing_event_id'], data: record });
      if (batch.length === 200) {
        await raw.collection('bench_raw_rows').insertMany(batch as never[], { ordered: false });
        batch = [];
      }
    }
    if (batch.length) await raw.collection('bench_raw_rows').insertMany(batch as never[], { ordered: false });
  }
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  await raw.close();

  const finance = await startServiceProcess('finance', {
    ...services.env,
    SDDS_S3_ENDPOINT: ctx.emulator.endpoint,
    FINANCE_IMPORT_MS: '0',
    // the heap the Helm chart and compose give the service (V8 left alone grows it while garbage is cheap)
    NODE_OPTIONS: FINANCE_NODE_OPTIONS,
  });
  const rows: Row[] = [];
  try {
    await finance.ready(120_000);
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${finance.port}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${services.org.apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const saved = await call('PUT', '/v1/finance/settings', { bucket });
    if (saved['bucket'] !== bucket) throw new Error(`settings not saved: ${JSON.stringify(saved)}`);
    let peakRss = 0;
    const rss = () => {
      const kb = Number(
        /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${finance.child.pid}/status`, 'utf8'))?.[1] ?? 0,
      );
      peakRss = Math.max(peakRss, kb / 1024);
    };
    const importOnce = async () => {
      const commandsBefore = await mongoCommands(finance.port);
      const cpuBefore = processCpuMicros(finance.child.pid as number);
      const started = performance.now();
      const answer = await call('POST', '/v1/finance/imports');
      const id = answer['id'] as string;
      if (!id) throw new Error(`import not started: ${JSON.stringify(answer)}`);
      const done = await waitFor(
        async () => {
          rss();
          const run = await call('GET', `/v1/finance/imports/${id}`);
          return run['status'] === 'RUNNING' ? undefined : run;
        },
        { timeoutMs: 3_600_000, intervalMs: 200, what: 'the import' },
      );
      return {
        seconds: (performance.now() - started) / 1000,
        done,
        commands: (await mongoCommands(finance.port)) - commandsBefore,
        cpu: processCpuMicros(finance.child.pid as number) - cpuBefore,
      };
    };
    const first = await importOnce();
    if (first.done['status'] !== 'DONE' || first.done['rows'] !== total)
      throw new Error(`import did not store every row: ${JSON.stringify(first.done)}`);
    const again = await importOnce();
    rows.push(
      {
        suite: 'finance',
        figure: `raw csv-parse + insertMany(200), ${total} rows`,
        value: total / rawSeconds,
        unit: 'rows/s',
      },
      {
        suite: 'finance',
        figure: `import of a year for ${agreements} agreements (${files.length} files), reconciled`,
        value: total / first.seconds,
        unit: 'rows/s',
        baseline: total / rawSeconds,
      },
      {
        suite: 'finance',
        figure: 'import: database round trips per 1000 rows',
        value: (first.commands / total) * 1000,
        unit: 'cmds',
      },
      { suite: 'finance', figure: 'import: service CPU per row', value: first.cpu / total, unit: 'µs' },
      {
        suite: 'finance',
        figure: 'the same files again (all skipped by ETag)',
        value: again.seconds * 1000,
        unit: 'ms',
      },
      { suite: 'finance', figure: 'finance service peak RSS during the imports', value: peakRss, unit: 'MB' },
    );
  } finally {
    await finance.stop();
    s3.destroy();
    await services.cleanup();
  }
  return rows;
}
