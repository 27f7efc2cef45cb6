import type { Channel, ConfirmChannel } from 'amqplib';
import type { RoutingKey } from '@cppo/contracts';
import { queueNames } from './messaging.options';

export async function assertExchange(channel: Channel | ConfirmChannel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

/**
 * Declares a consumer's queues, all quorum and durable:
 * - `<queue>` bound to the exchange with each routing key;
 * - `<queue>.retry`: holds a transiently failed message for `retryDelayMs`, then dead-letters it back to
 *   `<queue>` through the default exchange (a fixed TTL per queue, so no head-of-line blocking);
 * - `<queue>.dlq`: where messages are parked with the reason in their headers.
 */
export async function assertConsumerTopology(
  channel: Channel | ConfirmChannel,
  options: {
    exchange: string;
    service: string;
    purpose: string;
    routingKeys: readonly RoutingKey[];
    retryDelayMs: number;
  },
): Promise<{ main: string; retry: string; dlq: string }> {
  const names = queueNames(options.service, options.purpose);
  await assertExchange(channel, options.exchange);
  await channel.assertQueue(names.main, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(names.retry, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-message-ttl': options.retryDelayMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': names.main,
    },
  });
  await channel.assertQueue(names.dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  for (const key of options.routingKeys) await channel.bindQueue(names.main, options.exchange, key);
  return names;
}
