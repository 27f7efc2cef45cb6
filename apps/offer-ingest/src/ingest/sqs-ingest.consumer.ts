import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Counter } from 'prom-client';
import { awsClientOptionsFrom } from '@cppo/marketplace';
import { NotificationQueue, type QueueMessage } from '@cppo/marketplace/sqs';
import { OfferIngestEnv } from '../config/offer-ingest.env';
import { IngestService, type IngestOutcome } from './ingest.service';

const processed = new Counter({
  name: 'cppo_ingest_notifications_total',
  help: 'AWS Marketplace notifications handled, by outcome',
  labelNames: ['outcome'],
});

/**
 * Long-polls the notification queue with `INGEST_CONCURRENCY` loops sharing one client (NotificationQueue).
 * Each batch is ingested together (IngestService.ingestBatch); only messages whose effects are stored and
 * whose events are published (confirmed) are returned, and the queue deletes exactly those with one
 * DeleteMessageBatch. A message that failed (Mongo or RabbitMQ away) stays in the queue and comes back
 * after its visibility timeout; the heartbeat extends visibility while work goes on. On shutdown the
 * loops stop and in-flight batches finish.
 */
@Injectable()
export class SqsIngestConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SqsIngestConsumer.name);
  private readonly queue: NotificationQueue;

  constructor(
    private readonly env: OfferIngestEnv,
    private readonly ingest: IngestService,
  ) {
    this.queue = new NotificationQueue(
      {
        queueUrl: env.SQS_QUEUE_URL,
        client: { ...awsClientOptionsFrom(env), endpoint: env.SQS_ENDPOINT },
        batchSize: env.SQS_BATCH_SIZE,
        waitTimeSeconds: env.SQS_WAIT_TIME_SECONDS,
        visibilityTimeout: env.SQS_VISIBILITY_TIMEOUT,
        loops: env.INGEST_CONCURRENCY,
      },
      { handleBatch: (messages) => this.handleBatch(messages), onError: (m) => this.logger.warn(m) },
    );
  }

  onApplicationBootstrap(): void {
    this.queue.start();
    this.logger.log(`consuming ${this.env.SQS_QUEUE_URL} with ${this.env.INGEST_CONCURRENCY} loops`);
  }

  /** Stops receiving; batches in hand finish and delete what they committed (up to 15 s). */
  beforeApplicationShutdown(): Promise<void> {
    return this.queue.stop();
  }

  /**
   * Returns the messages to delete: processed, duplicates and quarantined ones; never failed ones (nor
   * one not done within INGEST_MESSAGE_TIMEOUT_MS). The batch is handed to the ingest service whole (its
   * plain notifications cost one database write together); each message's outcome settles on its own.
   */
  async handleBatch(messages: QueueMessage[]): Promise<QueueMessage[]> {
    const pending = this.ingest.ingestBatch(messages.map((message) => message.body));
    const outcomes = await Promise.all(pending.map((outcome, i) => this.settle(messages[i], outcome)));
    return messages.filter((_, i) => outcomes[i] !== 'failed');
  }

  private async settle(
    message: QueueMessage,
    pending: Promise<IngestOutcome>,
  ): Promise<IngestOutcome | 'failed'> {
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
      this.logger.warn(`message ${message.id} left for redelivery: ${(error as Error).message}`);
    }
    clearTimeout(timer);
    processed.inc({ outcome });
    return outcome;
  }
}
