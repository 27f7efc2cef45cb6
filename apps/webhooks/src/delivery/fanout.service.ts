import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { MessageEnvelope } from '@cppo/contracts';
import { GroupCommit } from '@cppo/runtime';
import {
  idTime,
  WebhookMessageStatus,
  WebhookRepository,
  type WebhookEndpoint,
  type WebhookMessage,
} from '@cppo/persistence';
import { DeliveryService } from './delivery.service';
import { EndpointDirectory } from './endpoint-directory';
import { matches, planWebhooks, TEST_EVENT_TYPE, webhookBody } from './event-types';

/**
 * `whm_` + the event's time (8 hex seconds, 3 hex ms, so an endpoint's messages list in time order) + 24 hex
 * of a hash of endpoint and key (the bus event's id, see planWebhooks): the same event for the same endpoint
 * is always the same message (and the same `webhook-id`), however often the bus delivers it.
 */
export function messageId(endpointId: string, key: string, occurredAt: Date): string {
  const hash = createHash('sha256').update(`${endpointId}:${key}`).digest('hex').slice(0, 24);
  return `whm_${idTime(occurredAt.getTime())}${hash}`;
}

/**
 * A bus event → one message per enabled endpoint of its org whose filter takes its type, stored in one
 * round trip (a redelivered event stores nothing new) and handed to delivery.
 */
@Injectable()
export class FanoutService {
  /** New messages of events handled at the same time, stored together (one insertMany). */
  private readonly inserts: GroupCommit<Omit<WebhookMessage, 'createdAt'>, boolean>;

  constructor(
    repository: WebhookRepository,
    private readonly directory: EndpointDirectory,
    private readonly delivery: DeliveryService,
  ) {
    this.inserts = new GroupCommit((docs) => repository.insertMessages(docs));
  }

  async event(envelope: MessageEnvelope): Promise<number> {
    const all = await this.directory.forOrg(envelope.orgId);
    let stored = 0;
    for (const { type, key, at } of planWebhooks(envelope)) {
      const endpoints = all.filter((e) => e.enabled && e.eventTypes.some((filter) => matches(filter, type)));
      if (!endpoints.length) continue;
      stored += await this.store(
        endpoints.map((endpoint) => ({ endpoint, id: messageId(endpoint._id, key, at) })),
        type,
        webhookBody(envelope, type),
      );
    }
    return stored;
  }

  /** A `webhook.test` message to one endpoint, now (its id is new each time). */
  async test(endpoint: WebhookEndpoint): Promise<string> {
    const now = new Date();
    const id = messageId(endpoint._id, randomBytes(16).toString('hex'), now);
    const body = JSON.stringify({
      type: TEST_EVENT_TYPE,
      timestamp: now.toISOString(),
      data: { endpointId: endpoint._id, message: 'A test event from CPPO Hub: your endpoint is reachable.' },
    });
    await this.store([{ endpoint, id }], TEST_EVENT_TYPE, body);
    return id;
  }

  private async store(
    targets: { endpoint: WebhookEndpoint; id: string }[],
    type: string,
    body: string,
  ): Promise<number> {
    const now = Date.now();
    const docs: Omit<WebhookMessage, 'createdAt'>[] = targets.map(({ endpoint, id }) => {
      const held = this.delivery.hasRoom(endpoint._id);
      return {
        _id: id,
        orgId: endpoint.orgId,
        endpointId: endpoint._id,
        type,
        body,
        status: WebhookMessageStatus.PENDING,
        attempts: [],
        tries: 0,
        nextAttemptAt: new Date(now + this.delivery.firstDelayMs),
        // held by this process (delivered from memory) unless its endpoint's queue is full: then the poller's
        ...(held ? { leaseUntil: this.delivery.lease(now) } : {}),
      };
    });
    const isNew = await this.inserts.add(docs);
    const stored = docs.filter((_, i) => isNew[i]);
    this.delivery.enqueue(stored.filter((doc) => doc.leaseUntil) as WebhookMessage[]);
    return stored.length;
  }
}
