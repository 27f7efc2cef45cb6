import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { RoutingKeys, type MessageEnvelope } from '@cppo/contracts';
import { deleteTopology, rabbitUrl, rawAmqp, uniqueName, waitFor } from '@cppo/testing';
import { createAmqpConnection } from './amqp-connection';
import { buildEnvelope } from './envelope.factory';
import { PermanentError } from './errors';
import { EventPublisher } from './event-publisher';
import { queueNames, type MessagingOptions } from './messaging.options';
import { RecordingController } from './testing/recording.controller';
import { startRecordingConsumer } from './testing/start-consumer';

const linked = { offerId: 'off_1', awsOfferId: 'offer-abc', opportunityId: 'opp_1' };

describe('AmqpServer (real RabbitMQ)', () => {
  let options: MessagingOptions;
  let connection: AmqpConnectionManager;
  let publisher: EventPublisher;
  let consumer: INestMicroservice | undefined;
  let queues: ReturnType<typeof queueNames>;

  beforeEach(() => {
    const exchange = uniqueName('cppo.events.test');
    const service = uniqueName('svc-b');
    options = { url: rabbitUrl(), exchange, service, prefetch: 10, retryDelayMs: 300, maxAttempts: 3 };
    queues = queueNames(service, 'test');
    // Another "app": its own connection and publisher, no knowledge of the consumer's queues.
    connection = createAmqpConnection(options.url, 'svc-a.publisher');
    publisher = new EventPublisher(connection, exchange);
    RecordingController.deliveries = [];
    RecordingController.behaviour = async () => undefined;
  });

  afterEach(async () => {
    await consumer?.close();
    consumer = undefined;
    await publisher.close();
    await connection.close();
    await deleteTopology(options.exchange, [queues.main, queues.retry, queues.dlq]);
  });

  async function readDlq(): Promise<{ envelope: MessageEnvelope; headers: Record<string, unknown> }> {
    const raw = await rawAmqp();
    const channel = await raw.createChannel();
    try {
      const message = await waitFor(
        async () => (await channel.get(queues.dlq, { noAck: true })) || undefined,
        {
          what: 'a message in the DLQ',
        },
      );
      return { envelope: JSON.parse(message.content.toString()), headers: message.properties.headers ?? {} };
    } finally {
      await raw.close();
    }
  }

  it('delivers a message published by one app to the queue another app bound, validated', async () => {
    consumer = await startRecordingConsumer(options);
    const sent = await publisher.publish(RoutingKeys.OfferLinked, linked, {
      orgId: 'org_a',
      correlationId: 'c-1',
    });

    const [delivery] = await waitFor(() =>
      RecordingController.deliveries.length ? RecordingController.deliveries : undefined,
    );
    expect(delivery.envelope).toMatchObject({
      messageId: sent.messageId,
      orgId: 'org_a',
      type: RoutingKeys.OfferLinked,
      correlationId: 'c-1',
      payload: linked,
    });
    expect(delivery.envelope.payload.constructor.name).toBe('OfferLinkedV1');
    expect(delivery.attempt).toBe(1);
  });

  it('parks a permanent failure in the DLQ at once, with its reason in the headers', async () => {
    RecordingController.behaviour = async () => {
      throw new PermanentError('offer off_1 belongs to another org');
    };
    consumer = await startRecordingConsumer(options);
    const sent = await publisher.publish(RoutingKeys.OfferLinked, linked, { orgId: 'org_a' });

    const parked = await readDlq();
    expect(parked.envelope.messageId).toBe(sent.messageId);
    expect(parked.headers['x-cppo-dlq-reason']).toBe('permanent: offer off_1 belongs to another org');
    expect(parked.headers['x-cppo-routing-key']).toBe(RoutingKeys.OfferLinked);
    expect(RecordingController.deliveries).toHaveLength(1);
  });

  it('retries a transient failure maxAttempts times with the configured delay, then parks it', async () => {
    RecordingController.behaviour = async () => {
      throw new Error('mongo unavailable');
    };
    consumer = await startRecordingConsumer(options);
    await publisher.publish(RoutingKeys.OfferLinked, linked, { orgId: 'org_a' });

    const parked = await readDlq();
    const deliveries = RecordingController.deliveries;
    expect(deliveries.map((d) => d.attempt)).toEqual([1, 2, 3]);
    for (let i = 1; i < deliveries.length; i++) {
      expect(deliveries[i].at - deliveries[i - 1].at).toBeGreaterThanOrEqual(options.retryDelayMs - 50);
    }
    expect(parked.headers['x-cppo-dlq-reason']).toBe('gave up after 3 attempts: mongo unavailable');
    expect(parked.headers['x-cppo-attempts']).toBe(3);
  });

  it('succeeds on a retry when the transient failure clears', async () => {
    RecordingController.behaviour = async (delivery) => {
      if (delivery.attempt === 1) throw new Error('broker hiccup');
    };
    consumer = await startRecordingConsumer(options);
    await publisher.publish(RoutingKeys.OfferLinked, linked, { orgId: 'org_a' });

    await waitFor(() => RecordingController.deliveries.length === 2);
    // Settled: nothing waits in the queue, its retry queue or the DLQ, so no third delivery can come.
    const raw = await rawAmqp();
    const channel = await raw.createChannel();
    const depth = async () =>
      (await channel.checkQueue(queues.main)).messageCount +
      (await channel.checkQueue(queues.retry)).messageCount +
      (await channel.checkQueue(queues.dlq)).messageCount;
    await waitFor(async () => (await depth()) === 0, { what: 'every queue empty' });
    expect(RecordingController.deliveries).toHaveLength(2);
    await raw.close();
  });

  it('never hands an invalid payload or a non-JSON body to a handler', async () => {
    consumer = await startRecordingConsumer(options);
    const bad = buildEnvelope(RoutingKeys.OfferLinked, linked, { orgId: 'org_a' });
    (bad.payload as Record<string, unknown>)['opportunityId'] = 42;
    await publisher.publishEnvelope(bad);

    const parked = await readDlq();
    expect(parked.envelope.messageId).toBe(bad.messageId);
    expect(String(parked.headers['x-cppo-dlq-reason'])).toMatch(/^invalid payload: .*opportunityId/);

    const raw = await rawAmqp();
    const channel = await raw.createChannel();
    channel.publish(options.exchange, RoutingKeys.OfferLinked, Buffer.from('not json'));
    const message = await waitFor(async () => (await channel.get(queues.dlq, { noAck: true })) || undefined);
    expect(message.properties.headers?.['x-cppo-dlq-reason']).toBe('invalid: body is not JSON');
    await raw.close();
    expect(RecordingController.deliveries).toHaveLength(0);
  });

  it('redelivers a message whose consumer process was killed before the ack', async () => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        join(__dirname, 'testing/hanging-consumer.main.ts'),
        JSON.stringify(options),
      ],
      { cwd: join(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(() => output.includes('listening'), { timeoutMs: 30_000, what: 'the child consumer' });
      const sent = await publisher.publish(RoutingKeys.OfferLinked, linked, { orgId: 'org_a' });
      await waitFor(() => output.includes(`received ${sent.messageId}`), { what: 'the child to receive' });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      consumer = await startRecordingConsumer(options);
      const [delivery] = await waitFor(() =>
        RecordingController.deliveries.length ? RecordingController.deliveries : undefined,
      );
      expect(delivery.envelope.messageId).toBe(sent.messageId);
      expect(delivery.redelivered).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses to start when a subscribed key has no handler', async () => {
    const { Test } = await import('@nestjs/testing');
    const { AmqpServer } = await import('./amqp.server');
    const moduleRef = await Test.createTestingModule({ controllers: [RecordingController] }).compile();
    const app = moduleRef.createNestMicroservice({
      strategy: new AmqpServer({
        ...options,
        purpose: 'test',
        subscriptions: [RoutingKeys.OfferLinked, RoutingKeys.OfferReleased],
      }),
      logger: false,
    });
    await expect(app.listen()).rejects.toThrow(/subscriptions without a handler \[cppo.offer.released.v1\]/);
    await app.close();
  });
});
