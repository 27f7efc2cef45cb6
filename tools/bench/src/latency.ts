import { CreateQueueCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { connect } from 'amqplib';
import mongoose from 'mongoose';
import { notificationFixtures as fx } from '@cppo/contracts/testing';
import { createOrgInDatabase } from '@cppo/platform/testing';
import {
  deleteTopology,
  numberedAgreementNotification,
  rabbitUrl,
  sendMessages,
  type ServiceProcess,
  serviceQueues,
  startMarketplaceSim,
  startServiceProcess,
  tapExchange,
  uniqueName,
} from '@cppo/testing';
import { metricsText, mongoCommands, percentile, type BenchContext, type Row } from './bench';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `total` items at `rate` per second in ticks of 100 ms; `send(from, to)` sends one tick's items. */
async function paced(
  total: number,
  rate: number,
  send: (from: number, to: number) => Promise<void>,
): Promise<void> {
  const perTick = Math.max(1, Math.round(rate / 10));
  const started = Date.now();
  for (let i = 0, tick = 0; i < total; i += perTick, tick++) {
    await sleep(Math.max(0, started + tick * 100 - Date.now()));
    await send(i, Math.min(total, i + perTick));
  }
}

/**
 * The opportunity and the partner's offer every fixture agreement names (one resale authorization, one
 * offer), as opportunity and offer-ingest would have stored them: the entitlements link at once.
 */
async function seedDeal(database: string, orgId: string): Promise<void> {
  const created = fx.agreementCreatedManufacturer.detail;
  const connection = await mongoose.createConnection(database).asPromise();
  const now = new Date();
  const base = {
    orgId,
    productId: 'prod-bench',
    resellerAccountId: created.proposer.accountId,
    buyerAccountIds: [],
  };
  await connection.collection('offers').insertMany([
    {
      ...base,
      _id: 'off_000000000000000000000001',
      type: 'CPPO_OUT',
      status: 'ACTIVE',
      dedupKey: 'out:off_000000000000000000000001',
      marketplace: { resaleAuthorizationId: created.resaleAuthorization.id },
      terms: { usageDimensionPrices: [{ dimensionKey: 'api_calls', price: '0.002' }] },
      offerCount: 1,
      outbox: [],
      createdAt: now,
      updatedAt: now,
    },
    {
      ...base,
      _id: 'off_000000000000000000000002',
      type: 'CPPO',
      status: 'RELEASED',
      dedupKey: `aws:${created.offer.id}`,
      awsOfferId: created.offer.id,
      cppoOutOfferId: 'off_000000000000000000000001',
      marketplace: { resaleAuthorizationId: created.resaleAuthorization.id },
      offerCount: 0,
      outbox: [],
      createdAt: now,
      updatedAt: now,
    },
  ] as never[]);
  await connection.close();
}

async function waitForActivated(count: () => number, expected: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (count() < expected) {
    if (Date.now() > deadline) throw new Error(`warm-up: ${count()} of ${expected} entitlements ACTIVE`);
    await sleep(50);
  }
}

function summary(latencies: number[]): { p50: number; p95: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

/** The same pace through RabbitMQ alone: publish (persistent, confirmed) → consume, per message. */
async function rawRabbit(total: number, rate: number): Promise<number[]> {
  const connection = await connect(rabbitUrl());
  const publish = await connection.createConfirmChannel();
  const consume = await connection.createChannel();
  const queue = uniqueName('bench-latency');
  await consume.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  const latencies: number[] = [];
  await consume.consume(queue, (message) => {
    if (!message) return;
    latencies.push(Date.now() - Number(message.properties.timestamp));
    consume.ack(message);
  });
  await paced(total, rate, async (from, to) => {
    for (let i = from; i < to; i++)
      publish.sendToQueue(queue, Buffer.from(JSON.stringify({ i })), {
        persistent: true,
        timestamp: Date.now(),
      });
    await publish.waitForConfirms();
  });
  while (latencies.length < total) await sleep(20);
  await consume.deleteQueue(queue);
  await connection.close();
  return latencies;
}

/**
 * `latency`: a buyer's acceptance (`Purchase Agreement Created - Manufacturer`) entering SQS → its entitlement
 * stored ACTIVE (`cppo.entitlement.activated.v1`, published once the entitlement is stored), through the
 * real offer-ingest and entitlement processes, at a steady `rate` for `seconds`; next to the raw RabbitMQ
 * publish → consume latency at the same pace, same run.
 */
export async function latencySuite(ctx: BenchContext, seconds: number, rate: number): Promise<Row[]> {
  const total = seconds * rate;
  const queue = uniqueName('latency');
  const queueUrl = ctx.emulator.queueUrl(queue);
  await ctx.sqs.send(new CreateQueueCommand({ QueueName: queue }));
  const database = new URL(ctx.mongoUrl);
  database.pathname = `/${uniqueName('bench').replace(/-/g, '_')}`;
  const { orgId } = await createOrgInDatabase(database.toString(), fx.FIXTURE_ISV_ACCOUNT);
  await seedDeal(database.toString(), orgId);
  // The Agreement API: the simulator, which knows none of these agreements and says so (as AWS may refuse a
  // manufacturer): the entitlement records the refusal and is done.
  const sim = await startMarketplaceSim({ conformance: false }); // measured: no model checks in the way
  const exchange = uniqueName('cppo.events.bench');
  const common = {
    MONGO_URL: database.toString(),
    RABBITMQ_URL: rabbitUrl(),
    RABBITMQ_EXCHANGE: exchange,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'error',
  };
  const prefixes = [uniqueName('bench-ingest'), uniqueName('bench-entitlement')];
  const services: ServiceProcess[] = [
    await startServiceProcess('offer-ingest', {
      ...common,
      RABBITMQ_QUEUE_PREFIX: prefixes[0],
      SQS_QUEUE_URL: queueUrl,
      SQS_ENDPOINT: ctx.emulator.endpoint,
    }),
    await startServiceProcess('entitlement', {
      ...common,
      RABBITMQ_QUEUE_PREFIX: prefixes[1],
      MARKETPLACE_ENDPOINT: sim.url,
    }),
  ];
  let lost = 0;
  /** Mongo commands of offer-ingest and entitlement together, per agreement. */
  let roundTrips = 0;
  let warmedUp = 0;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const ingested: number[] = [];
  const tap = await tapExchange(
    exchange,
    (envelope) => {
      const agreementId = String(envelope.correlationId ?? envelope.payload['agreementId']);
      if (agreementId.includes('warm') && envelope.type === 'cppo.entitlement.activated.v1') warmedUp++;
      const sent = sentAt.get(agreementId);
      if (sent === undefined) return;
      if (envelope.type === 'cppo.entitlement.activated.v1') latencies.push(Date.now() - sent);
      else ingested.push(Date.now() - sent);
    },
    'cppo.#.#.v1',
  );
  try {
    await Promise.all(services.map((s) => s.ready(120_000)));
    // Warm-up, not measured: the first notifications load code paths (SDK clients, handlers) once.
    const warmUp = uniqueName('warm').replace(/-/g, '');
    await sendMessages(
      ctx.sqs,
      queueUrl,
      Array.from({ length: 50 }, (_, n) => numberedAgreementNotification(n, warmUp)),
    );
    await waitForActivated(() => warmedUp, 50);
    const commands = async () =>
      (await Promise.all(services.map((s) => mongoCommands(s.port)))).reduce((a, b) => a + b, 0);
    const commandsBefore = await commands();
    const run = uniqueName('lat').replace(/-/g, '');
    await paced(total, rate, async (from, to) => {
      for (let i = from; i < to; i += 10) {
        const batch = Array.from({ length: Math.min(10, to - i) }, (_, j) => i + j);
        const now = Date.now();
        for (const n of batch) sentAt.set(`agmt-${run}${n}`, now);
        await ctx.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((n) => ({
              Id: String(n),
              MessageBody: numberedAgreementNotification(n, run),
            })),
          }),
        );
      }
    });
    const deadline = Date.now() + 120_000;
    while (latencies.length < total && Date.now() < deadline) await sleep(50);
    lost = total - latencies.length;
    roundTrips = ((await commands()) - commandsBefore) / total;
    if (process.env['BENCH_COMMANDS'])
      for (const s of services)
        process.stderr.write(
          (await metricsText(s.port))
            .split('\n')
            .filter((l) => l.startsWith('cppo_mongo_commands_total'))
            .join('\n') + '\n',
        );
  } finally {
    await tap.close();
    await Promise.all(services.map((s) => s.stop()));
    await deleteTopology(exchange, serviceQueues(prefixes));
    await sim.stop();
    const connection = await mongoose.createConnection(database.toString()).asPromise();
    await connection.dropDatabase();
    await connection.close();
  }
  const raw = summary(await rawRabbit(total, rate));
  const measured = summary(latencies);
  const firstHop = summary(ingested);
  const rows: Row[] = [];
  for (const p of ['p50', 'p95', 'p99'] as const) {
    rows.push({
      suite: 'latency',
      figure: `raw RabbitMQ publish→consume ${p}, ${rate}/s`,
      value: raw[p],
      unit: 'ms',
    });
    rows.push({
      suite: 'latency',
      figure: `  of which SQS → offer-ingest published ${p}`,
      value: firstHop[p],
      unit: 'ms',
    });
    rows.push({
      suite: 'latency',
      figure: `SQS → entitlement ACTIVE ${p}, ${rate}/s for ${seconds} s`,
      value: measured[p],
      unit: 'ms',
      baseline: raw[p],
    });
  }
  rows.push({
    suite: 'latency',
    figure: 'database round trips per agreement (offer-ingest + entitlement)',
    value: roundTrips,
    unit: 'cmds',
  });
  if (lost)
    rows.push({
      suite: 'latency',
      figure: `not ACTIVE 120 s after the last send (of ${total})`,
      value: lost,
      unit: 'count',
    });
  return rows;
}
