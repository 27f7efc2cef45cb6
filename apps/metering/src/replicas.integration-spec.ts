import mongoose from 'mongoose';
import {
  simMeteringRecords,
  expectBilledExactly,
  createOrgInDatabase,
  meteredDeals,
  usageFor,
  type MeteredDeal,
} from '@cppo/platform/testing';
import {
  deleteTopology,
  ISV,
  mongoUrl,
  rabbitUrl,
  startMarketplaceSim,
  startServiceProcess,
  uniqueName,
  waitFor,
  type RunningSimulator,
  type ServiceProcess,
} from '@cppo/testing';

/**
 * Metering replicas as separate processes sharing one database and the simulator: two reporters at once
 * never send the same report; a reporter killed in the middle of its calls loses and doubles nothing.
 */
describe('metering replicas (processes, simulator, RabbitMQ, Mongo provider)', () => {
  let sim: RunningSimulator;
  let db: mongoose.Connection;
  let org: { orgId: string; apiKey: string };
  let intake: ServiceProcess;
  const running: ServiceProcess[] = [];
  const database = mongoUrl();
  const exchange = uniqueName('cppo.events.test');
  const prefix = uniqueName('metering');

  const env = (overrides: Record<string, string> = {}) => ({
    MONGO_URL: database,
    RABBITMQ_URL: rabbitUrl(),
    RABBITMQ_EXCHANGE: exchange,
    RABBITMQ_QUEUE_PREFIX: prefix,
    MARKETPLACE_ENDPOINT: sim.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_MAX_RETRIES: '0',
    LOG_LEVEL: 'error',
    METERING_SETTLE_MS: '0',
    METERING_RETRY_MIN_MS: '50',
    METERING_INTERVAL_MS: '200',
    METERING_BATCH: '25',
    METERING_CONCURRENCY: '2',
    METERING_LEASE_MS: '2000',
    ...overrides,
  });

  async function start(overrides: Record<string, string> = {}): Promise<ServiceProcess> {
    const replica = await startServiceProcess('metering', env(overrides));
    running.push(replica);
    await replica.ready();
    return replica;
  }

  beforeAll(async () => {
    sim = await startMarketplaceSim();
    org = await createOrgInDatabase(database, ISV);
    db = await mongoose.createConnection(database).asPromise();
    // A replica that only takes usage (its reporter's first run is an hour away).
    intake = await start({ METERING_INTERVAL_MS: '3600000' });
  }, 90_000);

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await db?.dropDatabase();
    await db?.close();
    await sim?.stop();
    await deleteTopology(exchange, [`${prefix}.usage`, `${prefix}.usage.retry`, `${prefix}.usage.dlq`]);
  });

  /** 40 entitlements, 4,000 usage records over 3 past hours, taken by the intake replica. */
  async function load(run: string): Promise<{ deals: MeteredDeal[]; sums: Map<string, number> }> {
    const deals = await meteredDeals(sim, db, org.orgId, 40);
    const { records, sums } = usageFor(deals, 4000, [1, 2, 3], run);
    for (let i = 0; i < records.length; i += 1000) {
      const response = await fetch(`http://127.0.0.1:${intake.port}/v1/usage-records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ records: records.slice(i, i + 1000) }),
      });
      expect(response.status).toBe(202);
    }
    return { deals, sums };
  }

  /** Waits until every report of the deals is REPORTED; on timeout, says where the others are. */
  async function allReported(deals: MeteredDeal[], count: number, what: string): Promise<void> {
    try {
      await waitFor(async () => (await reported(deals)) === count, {
        timeoutMs: 90_000,
        intervalMs: 200,
        what,
      });
    } catch (error) {
      const left = await db
        .collection('metering_reports')
        .find({ entitlementId: { $in: deals.map((d) => d.entitlementId) }, status: { $ne: 'REPORTED' } })
        .project({ status: 1, attempts: 1, lastError: 1, nextAttemptAt: 1 })
        .limit(5)
        .toArray();
      throw new Error(`${(error as Error).message}; not REPORTED, e.g. ${JSON.stringify(left)}`);
    }
  }

  const reported = (deals: MeteredDeal[]) =>
    db.collection('metering_reports').countDocuments({
      entitlementId: { $in: deals.map((d) => d.entitlementId) },
      status: 'REPORTED',
    });

  const held = (deals: MeteredDeal[]) => simMeteringRecords(sim, deals);

  it('two reporters at once: every report sent exactly once, by one of them, with the exact sums', async () => {
    const { deals, sums } = await load('two');
    await sim.scenario('PUT', '/_sim/faults', {
      rules: [{ operation: 'BatchMeterUsage', type: 'latency', latencyMs: 150 }],
    });
    const [a, b] = await Promise.all([start(), start()]);
    await allReported(deals, sums.size, `${sums.size} reports REPORTED`);
    const records = await held(deals);
    expectBilledExactly(records, sums);
    expect([...records.values()].filter((r) => r.sends !== 1)).toEqual([]);
    // Both took part: claims by two owners.
    const owners = await db.collection('metering_claims').distinct('owner');
    expect(owners.length).toBeGreaterThanOrEqual(2);
    await Promise.all([a.stop(), b.stop()]);
  }, 120_000);

  it('a reporter SIGKILLed in the middle of its calls: another finishes, nothing lost, nothing billed twice', async () => {
    const { deals, sums } = await load('kill');
    await sim.scenario('PUT', '/_sim/faults', {
      rules: [{ operation: 'BatchMeterUsage', type: 'latency', latencyMs: 150 }],
    });
    const victim = await start();
    await waitFor(async () => (await reported(deals)) >= 25, {
      timeoutMs: 60_000,
      what: 'some reports sent',
    });
    victim.child.kill('SIGKILL');
    expect(await reported(deals)).toBeLessThan(sums.size);
    await sim.scenario('DELETE', '/_sim/faults');
    await start();
    await allReported(deals, sums.size, `${sums.size} reports REPORTED after the kill`);
    const records = await held(deals);
    expectBilledExactly(records, sums);
    // Only what the killed reporter had in flight (at most METERING_CONCURRENCY calls of 25) was resent,
    // identically: AWS answered Success with the same record id.
    const resent = [...records.values()].filter((r) => r.sends > 1);
    expect(resent.length).toBeLessThanOrEqual(2 * 25);
  }, 120_000);
});
