import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createSqsClient } from '@cppo/marketplace';
import type { EmittedEvent, SimState } from './state';

/** How one notification is delivered: duplicated, delayed, or held back to be released later. */
export interface DeliveryOptions {
  /** Extra copies of the same event (same id), as at-least-once delivery may produce. */
  duplicate?: number;
  delayMs?: number;
  /** Keep it until POST /_sim/events/release (which delivers held events newest first: out of order). */
  hold?: boolean;
}

const REGION = 'us-east-1';

/** An EventBridge event exactly as delivered whole to an SQS target. */
export function eventBridgeEvent(
  source: 'aws.marketplacecatalog' | 'aws.agreement-marketplace',
  detailType: string,
  account: string,
  resources: string[],
  detail: Record<string, unknown>,
): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources,
    detail: { requestId: randomUUID(), catalog: 'AWSMarketplace', ...detail },
  };
}

/** Sends notifications into the configured SQS queue through the real SQS client. */
export class EventBus {
  private seq = 0;
  private client?: { endpoint: string; sqs: SQSClient };

  constructor(private readonly state: SimState) {}

  async emit(
    kind: EmittedEvent['kind'],
    detailType: string,
    body: unknown,
    delivery: DeliveryOptions = {},
  ): Promise<EmittedEvent> {
    const event: EmittedEvent = {
      seq: ++this.seq,
      kind,
      detailType,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      status: delivery.hold ? 'held' : 'pending',
      copies: 1 + Math.max(0, delivery.duplicate ?? 0),
    };
    this.state.events.push(event);
    if (delivery.hold) return event;
    if (delivery.delayMs) {
      setTimeout(() => void this.deliver(event), delivery.delayMs).unref();
      return event;
    }
    await this.deliver(event);
    return event;
  }

  /** Delivers every held event, newest first, so that consumers see them out of order. */
  async releaseHeld(): Promise<number> {
    const held = this.state.events.filter((e) => e.status === 'held').reverse();
    for (const event of held) await this.deliver(event);
    return held.length;
  }

  private async deliver(event: EmittedEvent): Promise<void> {
    const { sqsEndpoint, sqsQueueUrl } = this.state.config;
    if (!sqsQueueUrl) {
      event.status = 'delivered';
      return;
    }
    try {
      const sqs = this.sqs(sqsEndpoint);
      for (let i = 0; i < event.copies; i++) {
        await sqs.send(new SendMessageCommand({ QueueUrl: sqsQueueUrl, MessageBody: event.body }));
      }
      event.status = 'delivered';
    } catch (error) {
      event.status = 'failed';
      event.error = (error as Error).message;
    }
  }

  private sqs(endpoint: string | undefined): SQSClient {
    const key = endpoint ?? '';
    if (!this.client || this.client.endpoint !== key) {
      this.client?.sqs.destroy();
      this.client = {
        endpoint: key,
        sqs: createSqsClient({
          endpoint,
          credentials: { accessKeyId: 'marketplace-sim', secretAccessKey: 'marketplace-sim' },
        }),
      };
    }
    return this.client.sqs;
  }

  close(): void {
    this.client?.sqs.destroy();
  }
}
