import { GetQueueAttributesCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { createSqsClient, type AwsClientOptions } from '../clients';

/** One message of the notification queue: its SQS message id and body. */
export interface QueueMessage {
  id: string;
  body: string;
}

export interface NotificationQueueSettings {
  queueUrl: string;
  /** Region, credentials and an endpoint override (an emulator); unset endpoint = real SQS. */
  client: AwsClientOptions;
  batchSize: number;
  waitTimeSeconds: number;
  visibilityTimeout: number;
  /** Receive loops sharing the one client. */
  loops: number;
}

export interface NotificationQueueHandlers {
  /** Handles a batch; returns the messages to delete (done with: processed, duplicate or quarantined). */
  handleBatch(messages: QueueMessage[]): Promise<QueueMessage[]>;
  /** A receive or delete failed (the loop goes on). */
  onError(message: string): void;
}

/**
 * The SQS queue of AWS Marketplace notifications, long-polled by `loops` sqs-consumer loops sharing one
 * client. Each batch's handler returns what to delete, and sqs-consumer deletes exactly those with one
 * DeleteMessageBatch; the rest come back after their visibility timeout, which a heartbeat extends while
 * a batch is in hand.
 */
export class NotificationQueue {
  private readonly client: SQSClient;
  private readonly consumers: Consumer[] = [];
  /** Per loop: whether it is handling a batch (then its deletes must not be aborted). */
  private readonly handling: boolean[] = [];

  constructor(
    private readonly settings: NotificationQueueSettings,
    private readonly handlers: NotificationQueueHandlers,
  ) {
    this.client = createSqsClient(settings.client);
  }

  start(): void {
    const { visibilityTimeout } = this.settings;
    for (let i = 0; i < this.settings.loops; i++) {
      const consumer = Consumer.create({
        sqs: this.client,
        queueUrl: this.settings.queueUrl,
        batchSize: this.settings.batchSize,
        waitTimeSeconds: this.settings.waitTimeSeconds,
        visibilityTimeout,
        heartbeatInterval: Math.max(1, Math.floor(visibilityTimeout / 3)),
        pollingCompleteWaitTimeMs: 15_000,
        useQueueUrlAsEndpoint: !this.settings.client.endpoint,
        handleMessageBatch: async (messages) => {
          this.handling[i] = true;
          try {
            const wrapped = messages.map(queueMessageOf);
            const done = new Set(await this.handlers.handleBatch(wrapped));
            return messages.filter((_, n) => done.has(wrapped[n]));
          } finally {
            this.handling[i] = false;
          }
        },
      });
      consumer.on('error', (error) => {
        // the receive `stop` aborted on purpose
        if (!consumer.status.isRunning && /aborted/i.test(error.message)) return;
        this.handlers.onError(`SQS: ${error.message}`);
      });
      consumer.on('processing_error', (error) => this.handlers.onError(`processing: ${error.message}`));
      consumer.start();
      this.consumers.push(consumer);
    }
  }

  /**
   * A loop waiting in a long poll has its receive aborted, so that stopping takes no longer than the
   * batches in hand (an aborted receive at worst leaves messages invisible until their visibility timeout:
   * redelivered later, never lost); a loop handling a batch finishes it and deletes what it committed.
   */
  async stop(): Promise<void> {
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
}

function queueMessageOf(message: Message): QueueMessage {
  return { id: message.MessageId ?? '', body: message.Body ?? '' };
}

/** Whether a queue answers (GetQueueAttributes), for a readiness check. */
export class QueueProbe {
  private readonly client: SQSClient;

  constructor(
    private readonly queueUrl: string,
    client: AwsClientOptions,
  ) {
    this.client = createSqsClient({ ...client, maxAttempts: 1 });
  }

  /** Resolves when the queue answered within `timeoutMs`; throws AWS's (or the timeout's) error. */
  async ping(timeoutMs: number): Promise<void> {
    await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
  }

  destroy(): void {
    this.client.destroy();
  }
}
