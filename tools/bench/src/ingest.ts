import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import mongoose from 'mongoose';
import { notificationFixtures as fx } from '@cppo/contracts/testing';
import { createOrgInDatabase } from '@cppo/platform/testing';
import {
  drainQueue,
  numberedAgreementNotification,
  queueDepth,
  rabbitUrl,
  sendMessages,
  startServiceProcess,
  tapExchange,
  uniqueName,
  type ServiceProcess,
  type SqsEmulator,
} from '@cppo/testing';
import type { BenchContext, Row } from './bench';

/** Raw drain rate: 4 loops of ReceiveMessage(10) + DeleteMessageBatch. */
export async function raw(emulator: SqsEmulator, sqs: SQSClient, count: number): Promise<number> {
  const queue = uniqueName('raw');
  const queueUrl = emulator.queueUrl(queue);
  await sqs.send(new CreateQueueCommand({ QueueName: queue }));
  await sendMessages(
    sqs,
    queueUrl,
    Array.from({ length: count }, (_, i) => numberedAgreementNotification(i, 'raw')),
  );
  const started = Date.now();
  const drained = await Promise.all(Array.from({ length: 4 }, () => drainQueue(sqs, queueUrl)));
  const done = drained.reduce((sum, n) => sum + n, 0);
  return (done / (Date.now() - started)) * 1000;
}

async function ingest(
  emulator: SqsEmulator,
  sqs: SQSClient,
  mongoBase: string,
  count: number,
  replicas: number,
): Promise<{ stored: number; published: number }> {
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
  // Stored = the queue is empty: a message is deleted only after its notification is committed.
  let storedAt = 0;
  while (!storedAt || !publishedAt) {
    if (!storedAt && (await queueDepth(sqs, queueUrl)) === 0) storedAt = Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  const connection = await mongoose.createConnection(database.toString()).asPromise();
  const stored = await connection.collection('marketplace_events').countDocuments({ state: 'PROCESSED' });
  await connection.dropDatabase();
  await connection.close();
  await tap.close();
  await Promise.all(replicasStarted.map((replica) => replica.stop()));
  if (stored !== count || seen.size !== count)
    throw new Error(`expected ${count} stored and published, got ${stored} stored, ${seen.size} published`);
  return {
    stored: (count / (storedAt - started)) * 1000,
    published: (count / (publishedAt - started)) * 1000,
  };
}

/** `ingest`: offer-ingest with 1 and 3 replicas (stored/s, published/s) next to the raw SQS drain rate. */
export async function ingestSuite(ctx: BenchContext, count: number, replicaCounts: number[]): Promise<Row[]> {
  const rawRate = await raw(ctx.emulator, ctx.sqs, count);
  const rows: Row[] = [
    {
      suite: 'ingest',
      figure: `raw SQS receive+delete (4 loops), ${count} msgs`,
      value: rawRate,
      unit: 'msg/s',
    },
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
  }
  return rows;
}
