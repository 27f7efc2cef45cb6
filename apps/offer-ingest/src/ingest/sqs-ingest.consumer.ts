import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { Counter } from 'prom-client';
import { awsClientOptionsFrom, createSqsClient } from '@cppo/marketplace';
import { OfferIngestEnv } from '../config/offer-ingest.env';
import { IngestService, type IngestOutcome } from './ingest.service';

const processed = new Counter({
  name: 'cppo_ingest_notifications_total',
  help: 'AWS Marketplace notifications handled, by outcome',
  labelNames: ['outcome'],
});

/**
 * Long-polls the notification queue with `INGEST_CONCURRENCY` sqs-consumer loops sharing one client.
 * Each batch is ingested together (IngestService.ingestBatch); only messages whose effects are stored and
 * whose events are published (confirmed) are returned, and sqs-consumer deletes exactly those with one
 * DeleteMessageBatch. A message that failed (Mongo or
 * RabbitMQ away) stays in the queue and comes back after its visibility timeout; the heartbeat extends
 * visibility while work goes on. On shutdown the loops stop and in-flight batches finish.
 */
@Injectable()
export class SqsIngestConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SqsIngestConsumer.name);
  private readonly client: SQSClient;
  private readonly consumers: Consumer[] = [];
  /** Per consumer loop: whether it is handling a batch (then its deletes must not be aborted). */
  private readonly handling: boolean[] = [];

  constructor(
    private readonly env: OfferIngestEnv,
    private readonly ingest: IngestService,
  ) {
    this.client = createSqsClient({ ...awsClientOptionsFrom(env), endpoint: env.SQS_ENDPOINT });
  }

  onApplicationBootstrap(): void {
    const visibility = this.env.SQS_VISIBILITY_TIMEOUT;
    for (let i = 0; i < this.env.INGEST_CONCURRENCY; i++) {
      const consumer = Consumer.create({
        sqs: this.client,
        queueUrl: this.env.SQS_QUEUE_URL,
        batchSize: this.env.SQS_BATCH_SIZE,
        waitTimeSeconds: this.env.SQS_WAIT_TIME_SECONDS,
        visibilityTimeout: visibility,
        heartbeatInterval: Math.max(1, Math.floor(visibility / 3)),
        pollingCompleteWaitTimeMs: 15_000,
        useQueueUrlAsEndpoint: !this.env.SQS_ENDPOINT,
        handleMessageBatch: async (messages) => {
          this.handling[i] = true;
          try {
            return await this.handleBatch(messages);
          } finally {
            this.handling[i] = false;
          }
        },
      });
      consumer.on('error', (error) => {
        // the receive beforeApplicationShutdown aborted on purpose
        if (!consumer.status.isRunning && /aborted/i.test(error.message)) return;
        this.logger.warn(`SQS: ${error.message}`);
      });
      consumer.on('processing_error', (error) => this.logger.warn(`processing: ${error.message}`));
      consumer.start();
      this.consumers.push(consumer);
    }
    this.logger.log(`consuming ${this.env.SQS_QUEUE_URL} with ${this.consumers.length} loops`);
  }

  /**
   * A loop waiting in a long poll (up to SQS_WAIT_TIME_SECONDS) has its receive aborted, so that stopping
   * takes no longer than the batches in hand (an aborted receive at worst leaves messages invisible until
   * their visibility timeout: redelivered later, never lost); a loop handling a batch finishes it and
   * deletes what it committed (up to 15 s).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.consumers.map(
        (consumer, i) =>
          new Promise<void>((resolve) => {
            if (!consumer.status.isRunning) return resolve();
            consumer.once('stopped', () => resolve());
            consumer.stop({ abort: !this.handling[i] });
          }),
      ),
    );
    this.client.destroy();
  }

  /**
   * Returns the messages to delete: processed, duplicates and quarantined ones; never failed ones (nor
   * one not done within INGEST_MESSAGE_TIMEOUT_MS). The batch is handed to the ingest service whole (its
   * plain notifications cost one database write together); each message's outcome settles on its own.
   */
  async handleBatch(messages: Message[]): Promise<Message[]> {
    const pending = this.ingest.ingestBatch(messages.map((message) => message.Body ?? ''));
    const outcomes = await Promise.all(pending.map((outcome, i) => this.settle(messages[i], outcome)));
    return messages.filter((_, i) => outcomes[i] !== 'failed');
  }

  private async settle(message: Message, pending: Promise<IngestOutcome>): Promise<IngestOutcome | 'failed'> {
    let outcome: IngestOutcome | 'failed';
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.env.INGEST_MESSAGE_TIMEOUT_MS;
    try {
      outcome = await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`not done after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      outcome = 'failed';
      this.logger.warn(`message ${message.MessageId} left for redelivery: ${(error as Error).message}`);
    }
    clearTimeout(timer);
    processed.inc({ outcome });
    return outcome;
  }
}
