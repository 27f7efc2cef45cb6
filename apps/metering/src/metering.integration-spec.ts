import mongoose from 'mongoose';
import {
  createTestOrg,
  expectBilledExactly,
  simMeteringRecords,
  randomAccountId,
  startTestApp,
  type TestApp,
  hourStart,
  meteredDeals,
  usageFor,
  type MeteredDeal,
  type UsageInput,
} from '@cppo/platform/testing';
import { RoutingKeys, type MessageEnvelope } from '@cppo/contracts';
import { createAmqpConnection, EventPublisher } from '@cppo/messaging';
import {
  deleteTopology,
  ISV,
  rawAmqp,
  startMarketplaceSim,
  tapExchange,
  waitFor,
  type RunningSimulator,
} from '@cppo/testing';
import { MeteringReportRepository } from '@cppo/persistence';
import { AppModule } from './app.module';
import { MeteringReporter } from './reporting/metering.reporter';
import { METERING_SUBSCRIPTIONS } from './usage/usage.consumer';

describe('metering (service in process, simulator, RabbitMQ, Mongo provider)', () => {
  let sim: RunningSimulator;
  let sut: TestApp;
  let db: mongoose.Connection;
  let reporter: MeteringReporter;
  let org: { orgId: string; apiKey: string };
  const published: MessageEnvelope[] = [];
  let tap: { close(): Promise<void> };

  beforeAll(async () => {
    sim = await startMarketplaceSim();
    sut = await startTestApp(
      AppModule,
      {
        MARKETPLACE_ENDPOINT: sim.url,
        AWS_MAX_RETRIES: '0',
        METERING_INTERVAL_MS: '3600000',
        METERING_SETTLE_MS: '0',
        METERING_LATE_SCAN_MS: '0',
        METERING_RETRY_MIN_MS: '20',
        METERING_RETRY_MAX_MS: '500',
        METERING_WINDOW_HOURS: '6',
        METERING_PROBE_MS: '50',
      },
      [{ purpose: 'usage', subscriptions: METERING_SUBSCRIPTIONS }],
    );
    db = await mongoose.createConnection(sut.env['MONGO_URL']).asPromise();
    reporter = sut.app.get(MeteringReporter);
    // No scheduled runs: each test runs the reporter when its usage is in (runNow).
    await reporter.onApplicationShutdown();
    org = await createTestOrg(sut.app, ISV);
    tap = await tapExchange(sut.env['RABBITMQ_EXCHANGE'], (e) => published.push(e), 'cppo.metering.#');
  }, 60_000);

  afterAll(async () => {
    await tap?.close();
    await db?.close();
    await sut?.close();
    const prefix = sut?.env['RABBITMQ_QUEUE_PREFIX'];
    if (prefix)
      await deleteTopology(sut.env['RABBITMQ_EXCHANGE'], [
        `${prefix}.usage`,
        `${prefix}.usage.retry`,
        `${prefix}.usage.dlq`,
      ]);
    await sim?.stop();
  });

  const post = (records: unknown, apiKey = org.apiKey) =>
    sut.request('/v1/usage-records', { method: 'POST', apiKey, json: { records } });

  async function postAll(records: UsageInput[]): Promise<string[]> {
    const statuses: string[] = [];
    for (let i = 0; i < records.length; i += 1000) {
      const response = await post(records.slice(i, i + 1000));
      expect(response.status).toBe(202);
      statuses.push(...response.body.results.map((r: { status: string }) => r.status));
    }
    return statuses;
  }

  const simRecords = (deals: MeteredDeal[]) => simMeteringRecords(sim, deals);

  /** Runs the reporter until no report is waiting for another attempt. */
  async function reportAll(): Promise<void> {
    const pending = () => db.collection('metering_reports').find({ status: 'PENDING' });
    try {
      await waitFor(
        async () => {
          await reporter.runNow();
          return (await db.collection('metering_reports').countDocuments({ status: 'PENDING' })) === 0;
        },
        { timeoutMs: 90_000, intervalMs: 50, what: 'every report out of PENDING' },
      );
    } catch (error) {
      const left = await pending()
        .project({ attempts: 1, lastError: 1, nextAttemptAt: 1 })
        .limit(5)
        .toArray();
      throw new Error(`${(error as Error).message}; still PENDING, e.g. ${JSON.stringify(left)}`);
    }
  }

  /** What AWS must hold: overage = usage above the grant, per (entitlement, dimension, hour). */
  function expectedOverage(
    sums: Map<string, number>,
    grant: (entitlementId: string, dimension: string) => number,
  ) {
    return new Map(
      [...sums].map(([key, usage]) => {
        const [entitlementId, dimension] = key.split('|');
        return [key, Math.max(0, usage - grant(entitlementId, dimension))];
      }),
    );
  }

  it('5,000 records over 3 past hours for 20 entitlements, each sent twice: AWS holds one record per licence, dimension and hour with the exact overage; the API shows the same', async () => {
    const now = Date.now(); // one clock for the whole test: it may cross an hour boundary
    const deals = await meteredDeals(sim, db, org.orgId, 20, {
      // deal 0: a grant far above its usage (0 overage); odd deals: 100 api_calls included per hour.
      grants: (i) =>
        i === 0
          ? [{ dimensionKey: 'api_calls', quantity: 1_000_000 }]
          : i % 2
            ? [{ dimensionKey: 'api_calls', quantity: 100 }]
            : [],
    });
    const grantOf = (id: string, dimension: string) => {
      const i = deals.findIndex((d) => d.entitlementId === id);
      return dimension !== 'api_calls' ? 0 : i === 0 ? 1_000_000 : i % 2 ? 100 : 0;
    };
    const { records, sums } = usageFor(deals, 5000, [1, 2, 3], 'big', now);
    expect(sums.size).toBe(20 * 2 * 3);

    expect(new Set(await postAll(records))).toEqual(new Set(['accepted']));
    expect(new Set(await postAll(records))).toEqual(new Set(['duplicate']));
    await reportAll();

    const expected = expectedOverage(sums, grantOf);
    const held = await simRecords(deals);
    expect(held.size).toBe(expected.size);
    for (const [key, overage] of expected) {
      expect({ key, quantity: held.get(key)?.quantity }).toEqual({ key, quantity: overage });
      expect(held.get(key)).toMatchObject({ sends: 1, conflicts: 0, path: 'LicenseArn' });
    }
    // Included quantities: below the grant → 0 overage (sent as a zero record); above → the excess.
    const d0 = `${deals[0].entitlementId}|api_calls|${hourStart(1, now)}`;
    const d1 = `${deals[1].entitlementId}|api_calls|${hourStart(1, now)}`;
    expect(held.get(d0)!.quantity).toBe(0);
    expect(sums.get(d0)!).toBeGreaterThan(0);
    expect(held.get(d1)!.quantity).toBe(sums.get(d1)! - 100);

    // The API: per hour and dimension, usage, included, overage, status, AWS's record id, wholesale value.
    for (const deal of deals) {
      const usage = await sut.request(
        `/v1/entitlements/${deal.entitlementId}/usage?from=${new Date(hourStart(3, now)).toISOString()}&to=${new Date(hourStart(0, now)).toISOString()}`,
        { apiKey: org.apiKey },
      );
      expect(usage.status).toBe(200);
      expect(usage.body.hours).toHaveLength(6);
      for (const row of usage.body.hours) {
        const key = `${deal.entitlementId}|${row.dimension}|${Date.parse(row.hour)}`;
        expect(row).toMatchObject({
          usage: sums.get(key),
          included: grantOf(deal.entitlementId, row.dimension),
          overage: expected.get(key),
          status: 'REPORTED',
          meteringRecordId: held.get(key)!.meteringRecordId,
        });
      }
    }
    const row = (
      await sut.request(`/v1/entitlements/${deals[2].entitlementId}/usage`, { apiKey: org.apiKey })
    ).body.hours.find((h: { dimension: string }) => h.dimension === 'api_calls');
    expect(row.wholesaleValue).toBe((row.overage * 0.002).toFixed(3));

    // One cppo.metering.reported.v1 per report (the tap may see a re-publish: same message id).
    const reported = await waitFor(
      () => {
        const ids = new Set(
          published
            .filter(
              (e) =>
                e.type === RoutingKeys.MeteringReported &&
                deals.some((d) => d.entitlementId === e.payload['entitlementId']),
            )
            .map((e) => e.messageId),
        );
        return ids.size >= expected.size ? ids : undefined;
      },
      { what: 'the reported events' },
    );
    expect(reported.size).toBe(expected.size);
    const ledger = await sut.request('/v1/metering-reports?status=REPORTED&limit=200', {
      apiKey: org.apiKey,
    });
    expect(ledger.body.items).toHaveLength(expected.size);
    expect(
      (await sut.request('/v1/metering-reports?flagged=true', { apiKey: org.apiKey })).body.items,
    ).toEqual([]);

    // Another org sees none of it.
    const other = await createTestOrg(sut.app, randomAccountId());
    expect(
      (await sut.request(`/v1/entitlements/${deals[0].entitlementId}/usage`, { apiKey: other.apiKey }))
        .status,
    ).toBe(404);
    expect((await sut.request('/v1/metering-reports', { apiKey: other.apiKey })).body.items).toEqual([]);
    const stolen = await post([{ ...records[0], idempotencyKey: 'steal' }], other.apiKey);
    expect(stolen.body.results[0]).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('unknown entitlement'),
    });
  }, 180_000);

  it('a claim lasts one to two lease slots; a lost claim leaves nothing that would block a later one', async () => {
    const repo = sut.app.get(MeteringReportRepository);
    const report = { _id: `mr_claimtest${Date.now()}`, attempts: 0 };
    expect(await repo.claim([report], 100, 'a')).toEqual(new Set([report._id]));
    expect(await repo.claim([report], 100, 'b')).toEqual(new Set()); // same slot: taken
    expect(await repo.claim([report], 101, 'b')).toEqual(new Set()); // a still holds slot 101
    expect(await repo.claim([report], 101, 'b')).toEqual(new Set()); // again: b left no half claim at 102
    expect(await repo.claim([report], 102, 'b')).toEqual(new Set([report._id])); // a's lease ran out
    expect(await repo.claim([{ ...report, attempts: 1 }], 102, 'a')).toEqual(new Set([report._id])); // next attempt
  });

  it('each rule rejects only its record, with the reason; a malformed body is a 400 and stores nothing', async () => {
    const [deal] = await meteredDeals(sim, db, org.orgId, 1, { startedHoursAgo: 3 });
    const ended = (await meteredDeals(sim, db, org.orgId, 1, { startedHoursAgo: 5 }))[0];
    await db.collection('entitlements').updateOne(
      { _id: ended.entitlementId as never },
      {
        $set: {
          status: 'CANCELLED',
          history: [
            { status: 'ACTIVE', at: new Date(hourStart(5)) },
            { status: 'CANCELLED', at: new Date(hourStart(3)) },
          ],
        },
      },
    );
    const at = (hoursAgo: number, minute = 10) =>
      new Date(hourStart(hoursAgo) + minute * 60_000).toISOString();
    const ok = { entitlementId: deal.entitlementId, dimension: 'api_calls', quantity: 5, timestamp: at(1) };
    const batch: Record<string, unknown>[] = [
      { ...ok, idempotencyKey: 'r-ok' },
      { ...ok, entitlementId: undefined, agreementId: deal.agreementId, idempotencyKey: 'r-by-agreement' },
      { ...ok, entitlementId: 'ent_000000000000000000000000', idempotencyKey: 'r-unknown' },
      { ...ok, dimension: 'users', idempotencyKey: 'r-entitled-dimension' },
      { ...ok, quantity: -1, idempotencyKey: 'r-negative' },
      { ...ok, quantity: 1.5, idempotencyKey: 'r-fraction' },
      { ...ok, timestamp: new Date(Date.now() + 3_600_000).toISOString(), idempotencyKey: 'r-future' },
      { ...ok, timestamp: at(8), idempotencyKey: 'r-outside-window' },
      { ...ok, timestamp: at(4), idempotencyKey: 'r-before-start' },
      { ...ok, entitlementId: ended.entitlementId, timestamp: at(3, 30), idempotencyKey: 'r-final-hour' },
      { ...ok, entitlementId: ended.entitlementId, timestamp: at(1), idempotencyKey: 'r-after-end' },
      { ...ok, idempotencyKey: 'r-ok' },
      { ...ok, quantity: 6, idempotencyKey: 'r-ok' },
      // ISO-8601 forms the body's type check lets through but no Date reads: rejected, never stored at 1970
      { ...ok, timestamp: '2026-W49-4T07:30:00Z', idempotencyKey: 'r-week-date' },
      { ...ok, timestamp: '2026-337T07:30:00Z', idempotencyKey: 'r-ordinal-date' },
      { ...ok, timestamp: at(1).replace('.000Z', ',000Z'), idempotencyKey: 'r-decimal-comma' },
      // no zone: read in nobody's time zone (#25 item 8: a zone is required)
      { ...ok, timestamp: at(1).replace('.000Z', ''), idempotencyKey: 'r-no-zone' },
    ];
    const response = await post(batch.map((r) => JSON.parse(JSON.stringify(r))));
    expect(response.status).toBe(202);
    const results = response.body.results;
    expect(
      results.map((r: { idempotencyKey: string; status: string }) => `${r.idempotencyKey}:${r.status}`),
    ).toEqual([
      'r-ok:accepted',
      'r-by-agreement:accepted',
      'r-unknown:rejected',
      'r-entitled-dimension:rejected',
      'r-negative:rejected',
      'r-fraction:rejected',
      'r-future:rejected',
      'r-outside-window:rejected',
      'r-before-start:rejected',
      'r-final-hour:accepted',
      'r-after-end:rejected',
      'r-ok:duplicate',
      'r-ok:rejected',
      'r-week-date:rejected',
      'r-ordinal-date:rejected',
      'r-decimal-comma:rejected',
      'r-no-zone:rejected',
    ]);
    const reasons = results.map((r: { reason?: string }) => r.reason ?? '');
    expect(reasons[2]).toMatch(/unknown entitlement/);
    expect(reasons[3]).toMatch(/dimension users is not a usage dimension/);
    expect(reasons[4]).toMatch(/quantity must be an integer/);
    expect(reasons[5]).toMatch(/quantity must be an integer/);
    expect(reasons[6]).toMatch(/in the future/);
    expect(reasons[7]).toMatch(/outside AWS's acceptance window/);
    expect(reasons[8]).toMatch(/not active/);
    expect(reasons[10]).toMatch(/ended at .*one hour after/);
    expect(reasons[12]).toMatch(/already used for a record with other content/);
    for (const i of [13, 14, 15, 16])
      expect(reasons[i]).toMatch(/timestamp .* cannot be read exactly: give an ISO-8601/);
    const unreadable = ['r-week-date', 'r-ordinal-date', 'r-decimal-comma', 'r-no-zone'];
    expect(
      await db
        .collection('usage_records')
        .countDocuments({ orgId: org.orgId, idempotencyKey: { $in: unreadable } }),
    ).toBe(0);

    const count = () =>
      db.collection('usage_records').countDocuments({ orgId: org.orgId, entitlementId: deal.entitlementId });
    const before = await count();
    for (const body of [
      { records: 'nope' },
      { records: [] },
      { records: Array.from({ length: 1001 }, (_, i) => ({ ...ok, idempotencyKey: `too-many-${i}` })) },
      { records: [{ ...ok, quantity: '5', idempotencyKey: 'string-quantity' }] },
      { records: [{ ...ok, timestamp: 'yesterday', idempotencyKey: 'bad-time' }] },
      {
        records: [
          { ...ok, idempotencyKey: 'fine' },
          { ...ok, idempotencyKey: { $gt: '' } },
        ],
      },
    ]) {
      const bad = await sut.request('/v1/usage-records', { method: 'POST', apiKey: org.apiKey, json: body });
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
      expect(bad.body.message.join(' ')).toMatch(/records|quantity|timestamp|idempotencyKey|\$/);
    }
    expect(await count()).toBe(before);
    expect((await sut.request('/v1/usage-records', { method: 'POST', json: { records: [ok] } })).status).toBe(
      401,
    );

    // The same rules for usage as messages: accepted ones counted, a rejected one parked with its reason.
    const amqp = createAmqpConnection(sut.env['RABBITMQ_URL'], 'test.usage-publisher');
    const publisher = new EventPublisher(amqp, sut.env['RABBITMQ_EXCHANGE']);
    try {
      const message = { ...ok, idempotencyKey: 'msg-1', source: 'test' };
      await publisher.publish(RoutingKeys.UsageRecorded, message, { orgId: org.orgId });
      await publisher.publish(RoutingKeys.UsageRecorded, message, { orgId: org.orgId });
      await publisher.publish(
        RoutingKeys.UsageRecorded,
        { ...message, idempotencyKey: 'msg-2', dimension: 'users' },
        { orgId: org.orgId },
      );
      await waitFor(async () => (await count()) === before + 1, { what: 'the message record stored' });
      const raw = await rawAmqp();
      try {
        const channel = await raw.createChannel();
        const dlq = `${sut.env['RABBITMQ_QUEUE_PREFIX']}.usage.dlq`;
        const parked = await waitFor(async () => (await channel.get(dlq, { noAck: true })) || undefined, {
          what: `the rejected message in ${dlq}`,
        });
        expect(JSON.parse(parked.content.toString()).payload.idempotencyKey).toBe('msg-2');
        expect(JSON.stringify(parked.properties.headers)).toMatch(/not a usage dimension/);
        // An ordinal date on the message path: parked with the same reason as over HTTP, never stored.
        await publisher.publish(
          RoutingKeys.UsageRecorded,
          { ...message, idempotencyKey: 'msg-3', timestamp: '2026-337T07:30:00Z' },
          { orgId: org.orgId },
        );
        const unreadable = await waitFor(async () => (await channel.get(dlq, { noAck: true })) || undefined, {
          what: `the unreadable timestamp in ${dlq}`,
        });
        expect(JSON.parse(unreadable.content.toString()).payload.idempotencyKey).toBe('msg-3');
        expect(JSON.stringify(unreadable.properties.headers)).toMatch(/cannot be read exactly/);
      } finally {
        await raw.close();
      }
      expect(await count()).toBe(before + 1);
    } finally {
      await publisher.close();
      await amqp.close();
    }
  }, 60_000);

  it('throttling, 5xx and UnprocessedRecords change nothing but the attempts; an invalid licence fails only its own records; late usage is flagged, never sent', async () => {
    const deals = await meteredDeals(sim, db, org.orgId, 10);
    // One entitlement whose licence AWS does not know: InvalidLicenseException fails any call it is in.
    const [bogus] = await meteredDeals(sim, db, org.orgId, 1);
    await db.collection('entitlements').updateOne(
      { _id: bogus.entitlementId as never },
      {
        $set: { licenseArn: `${bogus.licenseArn}0` },
      },
    );
    const { records, sums } = usageFor([...deals, bogus], 1100, [1, 2], 'faults');
    expect(new Set(await postAll(records))).toEqual(new Set(['accepted']));
    await sim.scenario('PUT', '/_sim/faults', {
      rules: [
        { operation: 'BatchMeterUsage', type: 'throttle', count: 3 },
        { operation: 'BatchMeterUsage', type: '5xx', every: 4 },
        { operation: 'BatchMeterUsage', type: 'unprocessed', every: 3 },
      ],
    });
    // AWS's faults come and go: the reporter runs under them until it has both retried and reported, then
    // they stop (a fixed fault schedule could otherwise starve one report for as long as it lasts).
    try {
      await waitFor(
        async () => {
          await reporter.runNow();
          const reports = db.collection('metering_reports');
          return (
            (await reports.countDocuments({ orgId: org.orgId, status: 'PENDING', attempts: { $gt: 1 } })) >
              0 &&
            (await reports.countDocuments({ orgId: org.orgId, status: 'REPORTED', attempts: { $gt: 1 } })) > 0
          );
        },
        { timeoutMs: 30_000, intervalMs: 20, what: 'reports retried under faults' },
      );
    } finally {
      await sim.scenario('DELETE', '/_sim/faults');
    }
    await reportAll();
    const good = new Map([...sums].filter(([key]) => !key.startsWith(bogus.entitlementId)));
    const held = await simRecords(deals);
    expectBilledExactly(held, good);
    const retried = await db
      .collection('metering_reports')
      .countDocuments({ orgId: org.orgId, attempts: { $gt: 1 }, status: 'REPORTED' });
    expect(retried).toBeGreaterThan(0);

    const failed = await sut.request(
      `/v1/metering-reports?flagged=true&entitlementId=${bogus.entitlementId}`,
      { apiKey: org.apiKey },
    );
    expect(failed.body.items).toHaveLength(4);
    for (const item of failed.body.items)
      expect(item).toMatchObject({ status: 'FAILED', awsStatus: 'InvalidLicenseException', flagged: true });
    expect(
      published.filter(
        (e) => e.type === RoutingKeys.MeteringFailed && e.payload['entitlementId'] === bogus.entitlementId,
      ).length,
    ).toBeGreaterThan(0);

    // Usage that arrives for an hour already reported: stored, flagged on its report, never sent.
    const key = [...good.keys()][0];
    const [entitlementId, dimension, hour] = key.split('|');
    const late = await post([
      {
        entitlementId,
        dimension,
        quantity: 7,
        timestamp: new Date(Number(hour) + 60_000).toISOString(),
        idempotencyKey: 'late-1',
      },
    ]);
    expect(late.body.results[0].status).toBe('accepted');
    await reporter.runNow();
    const flagged = (
      await sut.request(`/v1/metering-reports?flagged=true&entitlementId=${entitlementId}`, {
        apiKey: org.apiKey,
      })
    ).body.items;
    expect(flagged).toEqual([expect.objectContaining({ status: 'REPORTED', lateQuantity: 7, dimension })]);
    expect((await simRecords(deals)).get(key)).toMatchObject({
      quantity: good.get(key),
      sends: held.get(key)!.sends,
    });

    // A person may send a failed report again (here AWS still refuses the licence).
    const retry = await sut.request(`/v1/metering-reports/${failed.body.items[0].id}/retry`, {
      method: 'POST',
      apiKey: org.apiKey,
    });
    expect(retry).toMatchObject({ status: 202, body: { status: 'PENDING', flagged: false } });
    await reportAll();
    expect(
      (await sut.request(`/v1/metering-reports/${failed.body.items[0].id}`, { apiKey: org.apiKey })).body,
    ).toMatchObject({ status: 'FAILED', attempts: failed.body.items[0].attempts + 1 });
    const reportedId = flagged[0].id;
    expect(
      (await sut.request(`/v1/metering-reports/${reportedId}/retry`, { method: 'POST', apiKey: org.apiKey }))
        .status,
    ).toBe(409);
  }, 120_000);

  // ------------------------------------------------------------- AWS as AWS is (issue #24)

  const iso = (ms: number) => new Date(ms).toISOString();
  const reportsOf = async (entitlementId: string) =>
    (await sut.request(`/v1/metering-reports?entitlementId=${entitlementId}`, { apiKey: org.apiKey })).body
      .items as {
      hour: string;
      status: string;
      overage: number;
      attempts: number;
      lastError?: string;
    }[];
  const usage = (deal: MeteredDeal, dimension: string, quantity: number, at: number, key: string) => ({
    entitlementId: deal.entitlementId,
    dimension,
    quantity,
    timestamp: iso(at),
    idempotencyKey: key,
  });
  const meteringCalls = async () =>
    (await sim.scenario<Record<string, number>>('GET', '/_sim/calls')).body['BatchMeterUsage'] ?? 0;

  it("a licence that starts at :30: its first partial hour is REPORTED, stamped at the licence's start", async () => {
    const start = hourStart(3) + 30 * 60_000;
    const [deal] = await meteredDeals(sim, db, org.orgId, 1, { startTime: new Date(start) });
    expect(
      await postAll([
        usage(deal, 'api_calls', 5, hourStart(3) + 40 * 60_000, 'half-1'),
        usage(deal, 'api_calls', 7, hourStart(2) + 10 * 60_000, 'half-2'),
      ]),
    ).toEqual(['accepted', 'accepted']);
    await reportAll();
    const reports = await reportsOf(deal.entitlementId);
    expect(reports.map((r) => [r.hour, r.status, r.overage]).sort()).toEqual(
      [
        [iso(hourStart(3)), 'REPORTED', 5],
        [iso(hourStart(2)), 'REPORTED', 7],
      ].sort(),
    );
    const first = `${deal.entitlementId}|api_calls|${hourStart(3)}`;
    const held = await simRecords([deal]);
    expectBilledExactly(
      held,
      new Map([
        [first, 5],
        [`${deal.entitlementId}|api_calls|${hourStart(2)}`, 7],
      ]),
    );
    expect(held.get(first)!.timestamp).toBe(iso(start));
  });

  it('a metering role without permission: NEEDS_ATTENTION (no attempt counted), then REPORTED once AWS allows it; nothing sent twice', async () => {
    const [deal] = await meteredDeals(sim, db, org.orgId, 1);
    await postAll([usage(deal, 'storage_gb', 9, hourStart(1) + 5 * 60_000, 'denied-1')]);
    await sim.scenario('PUT', '/_sim/faults', {
      rules: [{ operation: 'BatchMeterUsage', type: 'accessDenied' }],
    });
    try {
      await reporter.runNow();
      await reporter.runNow(); // the probe is refused too: still waiting
      const [waiting] = await reportsOf(deal.entitlementId);
      expect(waiting).toMatchObject({
        status: 'NEEDS_ATTENTION',
        awsStatus: 'AccessDeniedException',
        attempts: 0,
        flagged: true,
        lastError: expect.stringMatching(/AccessDeniedException: .*aws-marketplace:BatchMeterUsage/),
      });
      expect((await simRecords([deal])).size).toBe(0);
    } finally {
      await sim.scenario('DELETE', '/_sim/faults');
    }
    await waitFor(
      async () => {
        await reporter.runNow();
        return (await reportsOf(deal.entitlementId))[0].status === 'REPORTED';
      },
      { timeoutMs: 20_000, intervalMs: 60, what: 'the report REPORTED once the permission is back' },
    );
    const held = await simRecords([deal]);
    expectBilledExactly(held, new Map([[`${deal.entitlementId}|storage_gb|${hourStart(1)}`, 9]]));
    expect([...held.values()][0].sends).toBe(1);
    expect(
      published.filter((e) => e.payload['entitlementId'] === deal.entitlementId).map((e) => e.type),
    ).toEqual([RoutingKeys.MeteringReported]);
  });

  it('two products in one reporting cycle: one BatchMeterUsage call per product, none refused', async () => {
    const [analytics] = await meteredDeals(sim, db, org.orgId, 1);
    const [seats] = await meteredDeals(sim, db, org.orgId, 1, {
      product: { id: 'prod-acmeseats00002', code: 'acmeseats00000000000000002' },
    });
    await postAll([
      usage(analytics, 'api_calls', 11, hourStart(1) + 60_000, 'products-1'),
      usage(seats, 'seat_hours', 13, hourStart(1) + 60_000, 'products-2'),
    ]);
    const before = await meteringCalls();
    await reportAll();
    expect(await meteringCalls()).toBe(before + 2);
    expectBilledExactly(
      await simRecords([analytics, seats]),
      new Map([
        [`${analytics.entitlementId}|api_calls|${hourStart(1)}`, 11],
        [`${seats.entitlementId}|seat_hours|${hourStart(1)}`, 13],
      ]),
    );
  });

  it('three records of 2^31-1 in one hour: the hour is flagged, never sent as an impossible record, never capped', async () => {
    const [deal] = await meteredDeals(sim, db, org.orgId, 1);
    const max = 2 ** 31 - 1;
    expect(
      await postAll(
        [0, 1, 2].map((i) => usage(deal, 'api_calls', max, hourStart(1) + i * 60_000, `max-${i}`)),
      ),
    ).toEqual(['accepted', 'accepted', 'accepted']);
    const before = await meteringCalls();
    await reportAll();
    const [report] = await reportsOf(deal.entitlementId);
    expect(report).toMatchObject({
      status: 'FAILED',
      overage: 3 * max,
      attempts: 0,
      lastError: expect.stringMatching(/above AWS's largest Quantity 2147483647: not sent/),
    });
    expect(await meteringCalls()).toBe(before);
    expect((await simRecords([deal])).size).toBe(0);
  });
});
