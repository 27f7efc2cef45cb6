import mongoose from 'mongoose';
import { notificationFixtures as fx } from '@cppo/contracts/testing';
import { createOrgInDatabase } from '@cppo/platform/testing';
import {
  mongoUrl,
  numberedAgreementNotification,
  startServiceProcess,
  startTcpProxy,
  waitFor,
  type ServiceProcess,
  type TcpProxy,
} from '@cppo/testing';
import { drained, startIngestHarness, type IngestHarness } from './testing/ingest-harness';

describe('offer-ingest with Mongo unavailable for 10 s during a burst (process, SQS emulator, RabbitMQ)', () => {
  let h: IngestHarness;
  let proxy: TcpProxy;
  let service: ServiceProcess;
  let db: mongoose.Connection;

  afterAll(async () => {
    await service?.stop();
    await proxy?.close();
    await db?.dropDatabase();
    await db?.close();
    await h?.close();
  });

  it('loses nothing and quarantines nothing by mistake', async () => {
    h = await startIngestHarness(3);
    const direct = mongoUrl();
    await createOrgInDatabase(direct, fx.FIXTURE_ISV_ACCOUNT);
    db = await mongoose.createConnection(direct).asPromise();
    // The service reaches Mongo only through a proxy the test can cut.
    const target = new URL(direct);
    proxy = await startTcpProxy(target.hostname, Number(target.port));
    const proxied = new URL(direct);
    proxied.port = String(proxy.port);
    service = await startServiceProcess(
      'offer-ingest',
      h.env({ MONGO_URL: proxied.toString(), OUTBOX_LEASE_MS: '2000', LOG_LEVEL: 'error' }),
    );
    await service.ready();

    const count = 600;
    const bodies = Array.from({ length: count }, (_, i) => numberedAgreementNotification(i, 'outage'));
    await h.send(bodies.slice(0, 300));
    await waitFor(() => h.published.length >= 30 || undefined, { timeoutMs: 30_000, intervalMs: 10 });

    await proxy.block();
    await h.send(bodies.slice(300)); // the burst goes on while Mongo is away
    await new Promise((r) => setTimeout(r, 10_000));
    const duringOutage = await h.queueDepth();
    await proxy.unblock();

    await drained(h, 120_000);
    const distinct = () => new Set(h.published.map((m) => m.messageId)).size;
    await waitFor(() => distinct() >= count || undefined, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `${count} distinct published events`,
    });
    const events = db.collection('marketplace_events');
    expect(duringOutage).toBeGreaterThan(0); // the outage really held messages back
    expect(await events.countDocuments({ state: 'PROCESSED' })).toBe(count);
    expect(await events.countDocuments({ state: 'QUARANTINED' })).toBe(0);
    expect(distinct()).toBe(count);
    expect(new Set(h.published.map((m) => m.payload['agreementId'])).size).toBe(count);
  }, 240_000);
});
