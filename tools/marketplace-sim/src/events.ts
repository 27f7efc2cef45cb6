import { randomInt, randomUUID } from 'node:crypto';
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

export type ReleaseOrder = 'newest-first' | 'shuffled';

const REGION = 'us-east-1';

/** Fisher-Yates, in place. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** An EventBridge event exactly as delivered whole to an SQS target. */
export function eventBridgeEvent(
  source: 'aws.marketplacecatalog' | 'aws.agreement-marketplace',
  detailType: string,
  account: string,
  resources: string[],
  detail: Record<string, unknown>,
  /** When it happened (the simulator's clock for what its clock causes); now by default. */
  at: Date = new Date(),
): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
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

  /**
   * Delivers every held event, so that consumers see them out of order: newest first, or `shuffled` (every
   * copy of every event in a random order). Returns the event seqs in the order their copies were sent.
   */
  async releaseHeld(order: ReleaseOrder = 'newest-first'): Promise<number[]> {
    const held = this.state.events.filter((e) => e.status === 'held');
    if (order === 'newest-first') {
      held.reverse();
      for (const event of held) await this.deliver(event);
      return held.map((e) => e.seq);
    }
    const copies = shuffle(held.flatMap((event) => Array.from({ length: event.copies }, () => event)));
    for (const event of copies) await this.deliver(event, 1);
    return copies.map((e) => e.seq);
  }

  private async deliver(event: EmittedEvent, copies = event.copies): Promise<void> {
    const { sqsEndpoint, sqsQueueUrl } = this.state.config;
    if (!sqsQueueUrl) {
      event.status = 'delivered';
      return;
    }
    try {
      const sqs = this.sqs(sqsEndpoint);
      for (let i = 0; i < copies; i++) {
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
