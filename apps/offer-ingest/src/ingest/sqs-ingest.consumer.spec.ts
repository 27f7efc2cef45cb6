import type { QueueMessage } from '@cppo/marketplace/sqs';
import { envValidator } from '@cppo/runtime';
import { OfferIngestEnv } from '../config/offer-ingest.env';
import type { IngestOutcome, IngestService } from './ingest.service';
import { SqsIngestConsumer } from './sqs-ingest.consumer';

// The batch contract with sqs-consumer: the returned messages are deleted, the others come back.
describe('SqsIngestConsumer.handleBatch (ingest stubbed)', () => {
  function consumerWith(ingest: (body: string) => Promise<IngestOutcome>): SqsIngestConsumer {
    const env = envValidator(OfferIngestEnv)({
      MONGO_URL: 'mongodb://127.0.0.1:9/x',
      SQS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/q',
      SQS_ENDPOINT: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      INGEST_MESSAGE_TIMEOUT_MS: '200',
    });
    const ingestBatch = (bodies: string[]) => bodies.map((body) => ingest(body));
    return new SqsIngestConsumer(env, { ingestBatch } as unknown as IngestService);
  }

  const message = (body: string): QueueMessage => ({ id: body, body });

  it('deletes processed, duplicate and quarantined messages, keeps failed ones for redelivery', async () => {
    const outcomes: Record<string, IngestOutcome | Error> = {
      a: 'processed',
      b: 'duplicate',
      c: 'quarantined',
      d: new Error('mongo unavailable'),
    };
    const consumer = consumerWith(async (body) => {
      const outcome = outcomes[body];
      if (outcome instanceof Error) throw outcome;
      return outcome;
    });

    const done = await consumer.handleBatch(['a', 'b', 'c', 'd'].map(message));

    expect(done.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  // Without the timeout this batch never completes and the test fails on jest's timeout.
  it('gives up a message whose processing hangs, without holding back the rest of the batch', async () => {
    const consumer = consumerWith((body) =>
      body === 'hangs' ? new Promise<IngestOutcome>(() => undefined) : Promise.resolve('processed'),
    );

    const done = await consumer.handleBatch(['x', 'hangs', 'y'].map(message));

    expect(done.map((m) => m.id)).toEqual(['x', 'y']);
  });
});
