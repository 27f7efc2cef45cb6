import { randomBytes } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import mongoose from 'mongoose';
import type { MessageEnvelope } from '@cppo/contracts';
import { ensureIndexes, SCHEMAS } from '@cppo/persistence';

/** A name no other test run uses, for databases, exchanges and queues. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function rabbitUrl(): string {
  return process.env['RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
}

/** The Mongo server the global setup started (or MONGO_URL), with a fresh database name. */
export function mongoUrl(database = uniqueName('test')): string {
  const base = process.env['CPPO_TEST_MONGO_URL'] ?? process.env['MONGO_URL'];
  if (!base) throw new Error('no Mongo server: run the tests through `npm test` (jest global setup)');
  const url = new URL(base);
  url.pathname = `/${database.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  return url.toString();
}

/** A mongoose connection to a fresh database with every schema registered and indexed. */
export async function connectTestDatabase(): Promise<mongoose.Connection> {
  const connection = await mongoose
    .createConnection(mongoUrl(), { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  for (const { name, schema } of SCHEMAS) connection.model(name, schema);
  await ensureIndexes(connection);
  return connection;
}

export async function dropTestDatabase(connection: mongoose.Connection): Promise<void> {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
}

/** A plain amqplib connection for test assertions (reading a DLQ, cleaning up). */
export function rawAmqp(): Promise<ChannelModel> {
  return connect(rabbitUrl());
}

/**
 * Every envelope published to `exchange` (declared here if needed) under a routing key matching
 * `pattern`, through a server-named exclusive queue; `close` ends the connection, which deletes the queue.
 */
export async function tapExchange(
  exchange: string,
  onEnvelope: (envelope: MessageEnvelope) => void,
  pattern = '#',
): Promise<{ close(): Promise<void> }> {
  const connection = await rawAmqp();
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, pattern);
  await channel.consume(
    queue,
    (message) => {
      if (message) onEnvelope(JSON.parse(message.content.toString()) as MessageEnvelope);
    },
    { noAck: true },
  );
  return { close: () => connection.close() };
}

/** Deletes the test's exchange and queues. */
/** Every queue a service started with these RABBITMQ_QUEUE_PREFIXes may have declared. */
export function serviceQueues(prefixes: string[]): string[] {
  return prefixes.flatMap((prefix) =>
    ['events', 'usage'].flatMap((purpose) => ['', '.retry', '.dlq'].map((s) => `${prefix}.${purpose}${s}`)),
  );
}

export async function deleteTopology(exchange: string, queues: string[]): Promise<void> {
  const connection = await rawAmqp();
  const channel = await connection.createChannel();
  for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
  await channel.deleteExchange(exchange).catch(() => undefined);
  await connection.close();
}

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
