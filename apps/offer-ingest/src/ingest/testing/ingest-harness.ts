import { randomUUID } from 'node:crypto';
import { RoutingKeys, type MessageEnvelope } from '@cppo/contracts';
import { createSqsClient } from '@cppo/marketplace';
import {
  deleteTopology,
  serviceQueues,
  queueDepth,
  rawAmqp,
  rabbitUrl,
  sendMessages,
  tapExchange,
  startSqsEmulator,
  uniqueName,
  waitFor,
  type SqsEmulator,
} from '@cppo/testing';

export const QUEUE = 'notifications';
const BARRIER = 'test-barrier';

/** An SQS emulator queue, real SQS client, and a RabbitMQ queue recording everything published. */
export interface IngestHarness {
  sqs: SqsEmulator;
  queueUrl: string;
  exchange: string;
  published: MessageEnvelope[];
  /** Environment for an offer-ingest instance (in-process or a process) on this harness. */
  env(extra?: Record<string, string>): Record<string, string>;
  send(bodies: string[]): Promise<void>;
  queueDepth(): Promise<number>;
  /**
   * Resolves once a marker published now has reached the recording queue: everything the service had
   * published before (with confirms) is in `published` by then. Proves "nothing more arrives" without
   * sleeping, once the service has nothing left to publish.
   */
  barrier(): Promise<void>;
  close(): Promise<void>;
}

export async function startIngestHarness(visibilityTimeout = 30): Promise<IngestHarness> {
  const sqs = await startSqsEmulator({
    queues: [{ name: QUEUE, attributes: { VisibilityTimeout: String(visibilityTimeout) } }],
  });
  const queueUrl = sqs.queueUrl(QUEUE);
  const sqsClient = createSqsClient({
    endpoint: sqs.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const exchange = uniqueName('cppo.events.test');
  // offer-ingest consumes entitlement events: its queues are named by this prefix and deleted on close
  const prefix = uniqueName('ingest');
  const published: MessageEnvelope[] = [];
  const markers = new Set<string>();
  const tap = await tapExchange(exchange, (envelope) =>
    envelope.orgId === BARRIER ? markers.add(envelope.messageId) : published.push(envelope),
  );
  return {
    sqs,
    queueUrl,
    exchange,
    published,
    env: (extra = {}) => ({
      SQS_QUEUE_URL: queueUrl,
      SQS_ENDPOINT: sqs.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      SQS_WAIT_TIME_SECONDS: '1',
      SQS_VISIBILITY_TIMEOUT: String(visibilityTimeout),
      INGEST_CONCURRENCY: '2',
      RABBITMQ_URL: rabbitUrl(),
      RABBITMQ_EXCHANGE: exchange,
      RABBITMQ_QUEUE_PREFIX: prefix,
      OUTBOX_POLL_MS: '100',
      ...extra,
    }),
    send: (bodies) => sendMessages(sqsClient, queueUrl, bodies),
    queueDepth: () => queueDepth(sqsClient, queueUrl),
    async barrier() {
      const marker = randomUUID();
      const connection = await rawAmqp();
      const channel = await connection.createConfirmChannel();
      const envelope = { messageId: marker, orgId: BARRIER, type: RoutingKeys.OfferLinked, payload: {} };
      channel.publish(exchange, RoutingKeys.OfferLinked, Buffer.from(JSON.stringify(envelope)));
      await channel.waitForConfirms();
      await connection.close();
      await waitFor(() => markers.has(marker), { what: 'the barrier marker' });
    },
    async close() {
      await tap.close().catch(() => undefined);
      await deleteTopology(exchange, serviceQueues([prefix]));
      sqsClient.destroy();
      await sqs.stop();
    },
  };
}

/** Waits until the queue is empty and nothing is in flight. */
export function drained(harness: IngestHarness, timeoutMs = 60_000): Promise<true> {
  return waitFor(async () => (await harness.queueDepth()) === 0 || undefined, {
    timeoutMs,
    intervalMs: 200,
    what: 'the queue to drain',
  });
}
