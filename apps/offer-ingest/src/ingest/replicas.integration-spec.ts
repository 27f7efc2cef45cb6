import mongoose from 'mongoose';
import { notificationFixtures as fx } from '@cppo/contracts/testing';
import { createOrgInDatabase } from '@cppo/platform/testing';
import {
  mongoUrl,
  numberedAgreementNotification,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
} from '@cppo/testing';
import { drained, startIngestHarness, type IngestHarness } from './testing/ingest-harness';

/** offer-ingest replicas as separate processes sharing one queue, one database and one exchange. */
async function startReplicas(h: IngestHarness, count: number, database: string): Promise<ServiceProcess[]> {
  const replicas = await Promise.all(
    Array.from({ length: count }, () =>
      startServiceProcess(
        'offer-ingest',
        h.env({
          MONGO_URL: database,
          INGEST_CONCURRENCY: '2',
          OUTBOX_POLL_MS: '500',
          OUTBOX_LEASE_MS: '3000',
          LOG_LEVEL: 'error',
        }),
      ),
    ),
  );
  try {
    await Promise.all(replicas.map((replica) => replica.ready()));
  } catch (error) {
    // One that did not start must not leave the others running (they would keep jest from exiting).
    await Promise.all(replicas.map((replica) => replica.stop()));
    throw error;
  }
  return replicas;
}

describe('offer-ingest replicas sharing one queue (processes, SQS emulator, RabbitMQ, Mongo provider)', () => {
  let h: IngestHarness;
  let database: string;
  let events: mongoose.Connection;
  let replicas: ServiceProcess[] = [];

  afterEach(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    replicas = [];
    await events.dropDatabase();
    await events.close();
    await h.close();
  });

  async function setUp(visibilityTimeout: number): Promise<void> {
    h = await startIngestHarness(visibilityTimeout);
    database = mongoUrl();
    await createOrgInDatabase(database, fx.FIXTURE_ISV_ACCOUNT);
    events = await mongoose.createConnection(database).asPromise();
  }

  const stored = () => events.collection('marketplace_events').countDocuments({ state: 'PROCESSED' });
  const distinctPublished = () => new Set(h.published.map((m) => m.messageId)).size;

  it('3 replicas drain 3,000 notifications together: all processed, none twice, none left', async () => {
    await setUp(30);
    replicas = await startReplicas(h, 3, database);
    const count = 3000;
    await h.send(Array.from({ length: count }, (_, i) => numberedAgreementNotification(i, 'drain')));

    await drained(h, 180_000);
    await waitFor(() => h.published.length >= count || undefined, {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: `${count} published events`,
    });
    await waitFor(
      async () =>
        (await events.collection('marketplace_events').countDocuments({ outboxPending: true })) === 0,
      { timeoutMs: 30_000, what: 'every outbox emptied' },
    );
    await h.barrier(); // a double publish would have arrived before the marker

    expect(await stored()).toBe(count);
    expect(h.published).toHaveLength(count); // not one published twice
    expect(distinctPublished()).toBe(count);
    expect(new Set(h.published.map((m) => m.payload['agreementId'])).size).toBe(count);
    expect(await h.queueDepth()).toBe(0);
    expect(await events.collection('marketplace_events').countDocuments({ outboxPending: true })).toBe(0);
  }, 300_000);

  it('a replica SIGKILLed mid-batch: after the visibility timeout every message is processed once', async () => {
    await setUp(4);
    replicas = await startReplicas(h, 2, database);
    const count = 600;
    await h.send(Array.from({ length: count }, (_, i) => numberedAgreementNotification(i, 'kill')));
    await waitFor(() => h.published.length >= 60 || undefined, {
      timeoutMs: 60_000,
      intervalMs: 10,
      what: 'processing to start',
    });
    replicas[0].child.kill('SIGKILL');

    await drained(h, 180_000);
    // What the dead replica stored but had not published waits for its lease (3 s) to expire.
    await waitFor(() => distinctPublished() >= count || undefined, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `${count} distinct published events`,
    });
    expect(await stored()).toBe(count);
    expect(distinctPublished()).toBe(count);
    // Anything published twice (the kill fell between a publish and its removal) kept its messageId,
    // so a consumer's inbox applies it once; the agreements themselves are each there exactly once.
    expect(new Set(h.published.map((m) => m.payload['agreementId'])).size).toBe(count);
    expect(await events.collection('marketplace_events').countDocuments({ outboxPending: true })).toBe(0);
  }, 300_000);
});
