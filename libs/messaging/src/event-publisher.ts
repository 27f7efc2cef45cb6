import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { MessageEnvelope, PayloadOf, RoutingKey } from '@cppo/contracts';
import { buildEnvelope, type EnvelopeMeta } from './envelope.factory';
import { assertExchange } from './topology';

/**
 * Publishes envelopes to the topic exchange and resolves only when RabbitMQ confirmed them
 * (persistent messages on a confirm channel). Prefer the outbox for anything caused by a state change.
 */
export class EventPublisher {
  private readonly channel: ChannelWrapper;

  constructor(
    connection: AmqpConnectionManager,
    private readonly exchange: string,
    publishTimeoutMs = 10_000,
  ) {
    this.channel = connection.createChannel({
      name: 'publisher',
      confirm: true,
      publishTimeout: publishTimeoutMs,
      setup: (channel: ConfirmChannel) => assertExchange(channel, exchange),
    });
  }

  /** Builds and publishes a new event. */
  async publish<K extends RoutingKey>(
    type: K,
    payload: PayloadOf<K>,
    meta: EnvelopeMeta,
  ): Promise<MessageEnvelope> {
    const envelope = buildEnvelope(type, payload, meta);
    await this.publishEnvelope(envelope);
    return envelope;
  }

  /** Publishes a stored envelope as it is (the outbox relay): a re-publish keeps its messageId. */
  async publishEnvelope(envelope: MessageEnvelope): Promise<void> {
    await this.channel.publish(this.exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      contentType: 'application/json',
      messageId: envelope.messageId,
      type: envelope.type,
      timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
      headers: { 'x-org-id': envelope.orgId },
    });
  }

  close(): Promise<void> {
    return this.channel.close();
  }
}
