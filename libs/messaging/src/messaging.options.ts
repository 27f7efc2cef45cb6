import type { RoutingKey } from '@cppo/contracts';

export interface MessagingOptions {
  /** `amqp://user:pass@host:5672/vhost` */
  url: string;
  /** Topic exchange; `cppo.events` outside tests. */
  exchange: string;
  /** Prefix of every queue this service owns (`<service>.`), so names never collide between services. */
  service: string;
  prefetch: number;
  /** Delay before a transiently failed message is retried. */
  retryDelayMs: number;
  /** Deliveries of one message before it is parked in the DLQ. */
  maxAttempts: number;
}

export interface ConsumerOptions extends MessagingOptions {
  /** Queue purpose; the queue is `<service>.<purpose>`. */
  purpose: string;
  /** Routing keys this consumer binds; each must have exactly one handler (checked at start-up). */
  subscriptions: readonly RoutingKey[];
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export function queueNames(service: string, purpose: string): { main: string; retry: string; dlq: string } {
  const main = `${service}.${purpose}`;
  return { main, retry: `${main}.retry`, dlq: `${main}.dlq` };
}
