import { BatchMeterUsageCommand, type UsageRecord } from '@aws-sdk/client-marketplace-metering';
import mongoose from 'mongoose';
import { RoutingKeys } from '@cppo/contracts';
import { createMeteringClient } from '@cppo/marketplace';
import { ensureIndexes, usageRecordId, UsageRecordSchema } from '@cppo/persistence';
import { hourStart, meteredDeals, usageFor, type UsageInput } from '@cppo/platform/testing';
import {
  ISV,
  tapExchange,
  startServiceProcess,
  uniqueName,
  waitFor,
  type RunningSimulator,
  type ServiceProcess,
} from '@cppo/testing';
import { mongoCommands, prepareServices, type BenchContext, type Row } from './bench';

const BATCH = 1000;
const IN_FLIGHT = 2;

const progress = (line: string) => process.stderr.write(`[bench metering] ${line}\n`);

/**
 * Runs `send` over `items` in slices of `size` (BATCH), `parallel` (IN_FLIGHT) slices at a time; returns the
 * milliseconds taken.
 */
async function inFlight<T>(
  items: T[],
  send: (slice: T[]) => Promise<unknown>,
  { size = BATCH, parallel = IN_FLIGHT } = {},
): Promise<number> {
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) await send(items.slice(next, (next += size)));
    }),
  );
  return Date.now() - started;
}

/**
 * Posts records in batches of 1000, IN_FLIGHT requests at a time (a SaaS application has many clients);
 * returns the milliseconds taken.
 */
function intake(service: ServiceProcess, apiKey: string, records: UsageInput[]): Promise<number> {
  return inFlight(records, async (slice) => {
    const response = await fetch(`http://127.0.0.1:${service.port}/v1/usage-records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ records: slice }),
    });
    const body = (await response.json()) as { results: { status: string }[] };
    const rejected = body.results?.find((r) => r.status !== 'accepted');
    if (response.status !== 202 || rejected)
      throw new Error(`intake failed: ${JSON.stringify(body).slice(0, 500)}`);
  });
}

/**
 * The baseline: the same documents inserted with insertMany(1000, unordered), IN_FLIGHT at a time like the
 * requests, into a collection with the indexes the service makes on this server. Returns the milliseconds.
 */
function rawInsert(
  model: { collection: mongoose.Collection },
  orgId: string,
  records: UsageInput[],
): Promise<number> {
  const docs = records.map((r) => {
    const ts = Date.parse(r.timestamp);
    return {
      _id: usageRecordId(orgId, `raw-${r.idempotencyKey}`),
      orgId,
      idempotencyKey: r.idempotencyKey,
      entitlementId: r.entitlementId,
      dimension: r.dimension,
      quantity: r.quantity,
      timestamp: new Date(ts),
      hour: new Date(Math.floor(ts / 3_600_000) * 3_600_000),
      contentHash: 'x'.repeat(64),
      createdAt: new Date(),
    };
  });
  return inFlight(docs, (slice) => model.collection.insertMany(slice as never[], { ordered: false }));
}

/**
 * Intake next to its baseline, alternating in four rounds (raw, HTTP, raw, HTTP, ...) so that neither gets
 * the database at a quieter moment (single runs of either varied by half here); returns records/s of both
 * and Mongo commands per request.
 */
async function intakeAndBaseline(
  service: ServiceProcess,
  db: mongoose.Connection,
  org: { orgId: string; apiKey: string },
  records: UsageInput[],
): Promise<{ rawRate: number; rate: number; commandsPerRequest: number }> {
  const model = db.model(uniqueName('RawUsage'), UsageRecordSchema.clone(), uniqueName('raw_usage'));
  await ensureIndexes(db, [model]);
  const before = await mongoCommands(service.port);
  const round = Math.ceil(records.length / 4 / BATCH) * BATCH;
  let rawMs = 0;
  let httpMs = 0;
  for (let i = 0; i < records.length; i += round) {
    rawMs += await rawInsert(model, org.orgId, records.slice(i, i + round));
    httpMs += await intake(service, org.apiKey, records.slice(i, i + round));
  }
  // Every round but the last is whole requests, so the rounds make as many requests as one run would.
  const requests = Math.ceil(records.length / BATCH);
  return {
    rawRate: (records.length / rawMs) * 1000,
    rate: (records.length / httpMs) * 1000,
    // The API key lookup is cached; what remains is the intake's own round trips (and the watchdog's pings).
    commandsPerRequest: ((await mongoCommands(service.port)) - before) / requests,
  };
}

/** The same entitlement-hours sent straight to the simulator: 25 records per call, 4 calls at a time. */
async function rawMetering(sim: RunningSimulator, records: UsageRecord[]): Promise<number> {
  const client = createMeteringClient({
    endpoint: sim.url,
    credentials: { accessKeyId: ISV, secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  const ms = await inFlight(
    records,
    (slice) => client.send(new BatchMeterUsageCommand({ UsageRecords: slice })),
    { size: 25, parallel: 4 },
  );
  client.destroy();
  return ms;
}

/**
 * `metering`: usage intake over HTTP (batches of 1000) next to a raw insertMany of the same documents into
 * the same database; and the time to report 10,000 entitlement-hours to the simulator next to sending the
 * same records straight from a client.
 */
export async function meteringSuite(ctx: BenchContext, count: number): Promise<Row[]> {
  const prepared = await prepareServices(ctx);
  const { sim, org } = prepared;
  const db = await mongoose.createConnection(prepared.databaseUrl).asPromise();
  const env = { ...prepared.env, METERING_SETTLE_MS: '0' };
  const started: ServiceProcess[] = [];
  try {
    // Intake: `count` records for 20 entitlements over 3 past hours.
    const service = await startServiceProcess('metering', { ...env, METERING_INTERVAL_MS: '3600000' });
    started.push(service);
    await service.ready(120_000);
    progress('intake: 20 entitlements');
    const few = await meteredDeals(sim, db, org.orgId, 20);
    const { records, sums } = usageFor(few, count, [1, 2, 3], 'intake');
    const { rawRate, rate, commandsPerRequest } = await intakeAndBaseline(service, db, org, records);

    // Reporting: 10,000 entitlement-hours (1,250 entitlements × 2 dimensions × 4 hours), one record each.
    progress('reporting: 1,250 entitlements in the simulator');
    const many = await meteredDeals(sim, db, org.orgId, 1250, { startedHoursAgo: 8 });
    progress('reporting: 10,000 usage records');
    const hourly: UsageInput[] = many.flatMap((deal, d) =>
      [1, 2, 3, 4].flatMap((ago) =>
        ['api_calls', 'storage_gb'].map((dimension) => ({
          entitlementId: deal.entitlementId,
          dimension,
          quantity: 1 + ((d + ago) % 7),
          timestamp: new Date(hourStart(ago) + 60_000).toISOString(),
          idempotencyKey: `hourly-${deal.entitlementId}-${dimension}-${ago}`,
        })),
      ),
    );
    await intake(service, org.apiKey, hourly);
    const reports = db.collection('metering_reports');
    const expected = hourly.length + sums.size;
    // Progress from the reporter's events, not by counting the ledger: a count every 100 ms is a scan of
    // 10,000 documents that the database would do instead of the reporter's work.
    const reported = new Set<string>();
    const tap = await tapExchange(
      prepared.env.RABBITMQ_EXCHANGE,
      (event) => reported.add((event.payload as { reportId: string }).reportId),
      RoutingKeys.MeteringReported,
    );
    const reporter = await startServiceProcess('metering', { ...env, METERING_INTERVAL_MS: '100' });
    started.push(reporter);
    await reporter.ready(120_000);
    const reportStart = Date.now();
    let lastProgress = reportStart;
    progress('reporting: reporter started');
    try {
      await waitFor(
        () => {
          if (Date.now() - lastProgress > 5000) {
            lastProgress = Date.now();
            progress(`reporting: ${reported.size} of ${expected} reported`);
          }
          return reported.size >= expected;
        },
        { timeoutMs: 300_000, intervalMs: 20, what: `${expected} metering.reported events` },
      );
      // The events go out just before the reports are updated: done when the ledger says so too.
      await waitFor(async () => (await reports.countDocuments({ status: 'REPORTED' })) >= expected, {
        timeoutMs: 30_000,
        intervalMs: 50,
        what: `${expected} reports REPORTED`,
      });
    } finally {
      await tap.close();
    }
    const reportMs = Date.now() - reportStart;
    const ledgered = await reports.countDocuments({});
    // Baseline: the same records straight from a client (AWS answers the identical records as before).
    const rawMs = await rawMetering(
      sim,
      hourly.map((r, i) => {
        const deal = many[Math.floor(i / 8)];
        return {
          Timestamp: new Date(hourStart(1 + (Math.floor(i / 2) % 4))),
          Dimension: r.dimension,
          Quantity: r.quantity,
          CustomerAWSAccountId: deal.buyer,
          LicenseArn: deal.licenseArn,
        };
      }),
    );
    return [
      {
        suite: 'metering',
        figure: `raw insertMany(${BATCH}), ${IN_FLIGHT} in flight, of the same ${count} usage documents`,
        value: rawRate,
        unit: 'rec/s',
      },
      {
        suite: 'metering',
        figure: `POST /v1/usage-records, ${BATCH}/request, ${IN_FLIGHT} in flight`,
        value: rate,
        unit: 'rec/s',
        baseline: rawRate,
      },
      {
        suite: 'metering',
        figure: 'Mongo commands per intake request (1000 records)',
        value: commandsPerRequest,
        unit: 'cmds',
      },
      {
        suite: 'metering',
        figure: `raw BatchMeterUsage of ${hourly.length} records (25/call, 4 at a time)`,
        value: rawMs / 1000,
        unit: 's',
      },
      {
        suite: 'metering',
        figure: `report ${ledgered} entitlement-hours (ledger + claims + calls)`,
        value: reportMs / 1000,
        unit: 's',
        baseline: rawMs / 1000,
      },
    ];
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await db.dropDatabase();
    await db.close();
    await prepared.cleanup();
  }
}
