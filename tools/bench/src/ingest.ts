import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import mongoose from 'mongoose';
import { notificationFixtures as fx } from '@cppo/contracts/testing';
import { createOrgInDatabase } from '@cppo/platform/testing';
import {
  deleteTopology,
  drainQueue,
  numberedAgreementNotification,
  queueDepth,
  rabbitUrl,
  sendMessages,
  serviceQueues,
  startServiceProcess,
  tapExchange,
  uniqueName,
  type ServiceProcess,
  type SqsEmulator,
} from '@cppo/testing';
import { processCpuMicros, readCounters, type BenchContext, type Row } from './bench';

/** Raw drain rate: 4 loops of ReceiveMessage(10) + DeleteMessageBatch; and its CPU per message (µs). */
export async function raw(
  emulator: SqsEmulator,
  sqs: SQSClient,
  count: number,
): Promise<{ rate: number; cpuMicros: number }> {
  const queue = uniqueName('raw');
  const queueUrl = emulator.queueUrl(queue);
  await sqs.send(new CreateQueueCommand({ QueueName: queue }));
  await sendMessages(
    sqs,
    queueUrl,
    Array.from({ length: count }, (_, i) => numberedAgreementNotification(i, 'raw')),
  );
  const started = Date.now();
  const cpu = process.cpuUsage();
  const drained = await Promise.all(Array.from({ length: 4 }, () => drainQueue(sqs, queueUrl)));
  const used = process.cpuUsage(cpu);
  const done = drained.reduce((sum, n) => sum + n, 0);
  return { rate: (done / (Date.now() - started)) * 1000, cpuMicros: (used.user + used.system) / done };
}

/** What a replica has spent so far: Mongo commands, CPU (µs) and notifications handled. */
async function spent(replica: ServiceProcess): Promise<{ commands: number; cpu: number; handled: number }> {
  const counter = await readCounters(replica.port);
  return {
    commands: counter('cppo_mongo_commands_total'),
    cpu: processCpuMicros(replica.child.pid ?? 0),
    handled: counter('cppo_ingest_notifications_total'),
  };
}

async function ingest(
  emulator: SqsEmulator,
  sqs: SQSClient,
  mongoBase: string,
  count: number,
  replicas: number,
): Promise<{ stored: number; published: number; commands: number; cpuMicros: number }> {
  const queue = uniqueName('ingest');
  const queueUrl = emulator.queueUrl(queue);
  await sqs.send(new CreateQueueCommand({ QueueName: queue }));
  const database = new URL(mongoBase);
  database.pathname = `/${uniqueName('bench').replace(/-/g, '_')}`;
  await createOrgInDatabase(database.toString(), fx.FIXTURE_ISV_ACCOUNT);
  await sendMessages(
    sqs,
    queueUrl,
    Array.from({ length: count }, (_, i) => numberedAgreementNotification(i, queue)),
  );
  const prefix = uniqueName('bench');
  const exchange = uniqueName('cppo.events.bench');
  const replicasStarted: ServiceProcess[] = [];
  for (let i = 0; i < replicas; i++) {
    replicasStarted.push(
      await startServiceProcess('offer-ingest', {
        MONGO_URL: database.toString(),
        RABBITMQ_URL: rabbitUrl(),
        RABBITMQ_EXCHANGE: exchange,
        RABBITMQ_QUEUE_PREFIX: prefix,
        SQS_QUEUE_URL: queueUrl,
        SQS_ENDPOINT: emulator.endpoint,
        SQS_WAIT_TIME_SECONDS: '1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        LOG_LEVEL: 'error',
      }),
    );
  }
  // Published = arrived at RabbitMQ: a queue bound to the exchange counts distinct messageIds.
  const seen = new Set<string>();
  let publishedAt = 0;
  const tap = await tapExchange(exchange, (envelope) => {
    seen.add(envelope.messageId);
    if (seen.size >= count && !publishedAt) publishedAt = Date.now();
  });
  // Replicas start consuming as soon as they are up; the clock starts when the first one is ready.
  await Promise.race(replicasStarted.map((replica) => replica.ready(120_000)));
  const started = Date.now();
  await Promise.all(replicasStarted.map((replica) => replica.ready(120_000)));
  // Costs are counted from here, per notification handled from here (a few may precede it).
  const before = await Promise.all(replicasStarted.map(spent));
  // Stored = the queue is empty: a message is deleted only after its notification is committed.
  let storedAt = 0;
  while (!storedAt || !publishedAt) {
    if (!storedAt && (await queueDepth(sqs, queueUrl)) === 0) storedAt = Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  const after = await Promise.all(replicasStarted.map(spent));
  const delta = (key: 'commands' | 'cpu' | 'handled') =>
    after.reduce((sum, a, i) => sum + a[key] - before[i][key], 0);
  const connection = await mongoose.createConnection(database.toString()).asPromise();
  const stored = await connection.collection('marketplace_events').countDocuments({ state: 'PROCESSED' });
  await connection.dropDatabase();
  await connection.close();
  await tap.close();
  await Promise.all(replicasStarted.map((replica) => replica.stop()));
  await deleteTopology(exchange, serviceQueues([prefix]));
  if (stored !== count || seen.size !== count)
    throw new Error(`expected ${count} stored and published, got ${stored} stored, ${seen.size} published`);
  return {
    stored: (count / (storedAt - started)) * 1000,
    published: (count / (publishedAt - started)) * 1000,
    commands: delta('commands') / delta('handled'),
    cpuMicros: delta('cpu') / delta('handled'),
  };
}

/** `ingest`: offer-ingest with 1 and 3 replicas (stored/s, published/s) next to the raw SQS drain rate. */
export async function ingestSuite(ctx: BenchContext, count: number, replicaCounts: number[]): Promise<Row[]> {
  const baseline = await raw(ctx.emulator, ctx.sqs, count);
  const rawRate = baseline.rate;
  const rows: Row[] = [
    {
      suite: 'ingest',
      figure: `raw SQS receive+delete (4 loops), ${count} msgs`,
      value: rawRate,
      unit: 'msg/s',
    },
    { suite: 'ingest', figure: 'raw loop: database round trips per message', value: 0, unit: 'cmds' },
    { suite: 'ingest', figure: 'raw loop: CPU per message', value: baseline.cpuMicros, unit: 'µs' },
  ];
  for (const replicas of replicaCounts) {
    const rate = await ingest(ctx.emulator, ctx.sqs, ctx.mongoUrl, count, replicas);
    rows.push({
      suite: 'ingest',
      figure: `offer-ingest, ${replicas} replica(s): stored`,
      value: rate.stored,
      unit: 'msg/s',
      baseline: rawRate,
    });
    rows.push({
      suite: 'ingest',
      figure: `offer-ingest, ${replicas} replica(s): published`,
      value: rate.published,
      unit: 'msg/s',
      baseline: rawRate,
    });
    rows.push({
      suite: 'ingest',
      figure: `offer-ingest, ${replicas} replica(s): database round trips per notification`,
      value: rate.commands,
      unit: 'cmds',
    });
    rows.push({
      suite: 'ingest',
      figure: `offer-ingest, ${replicas} replica(s): CPU per notification`,
      value: rate.cpuMicros,
      unit: 'µs',
      baseline: baseline.cpuMicros,
    });
  }
  return rows;
}
