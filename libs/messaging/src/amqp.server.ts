import { Logger } from '@nestjs/common';
import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { isObservable, lastValueFrom } from 'rxjs';
import { MessageEnvelope, PayloadClasses, validatePlain, type RoutingKey } from '@cppo/contracts';
import { createAmqpConnection } from './amqp-connection';
import { errorMessage, isPermanent } from './errors';
import { queueNames, type ConsumerOptions } from './messaging.options';
import { assertConsumerTopology } from './topology';

/** Handed to a handler as its second argument (`@Ctx()`). */
export class AmqpContext extends BaseRpcContext<[ConsumeMessage, number]> {
  get message(): ConsumeMessage {
    return this.args[0];
  }

  /** 1 on the first delivery, 2 on the first retry, ... */
  get attempt(): number {
    return this.args[1];
  }
}

export const ATTEMPT_HEADER = 'x-cppo-attempt';

/**
 * The Nest microservice transport for `cppo.events`, holding the one ack policy of the project:
 * - the envelope and its payload are validated before any handler sees them;
 * - success → ack;
 * - invalid message, no handler, or a PermanentError → parked in `<queue>.dlq` at once, reason in headers;
 * - any other error → re-queued through `<queue>.retry` (fixed delay), up to `maxAttempts` deliveries,
 *   then parked in the DLQ. Never a tight requeue loop, never a held prefetch slot.
 * Parking and retrying publish with confirms before the original is acked: a crash in between means a
 * redelivery, never a loss. On close it stops consuming and waits for in-flight handlers.
 */
export class AmqpServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(AmqpServer.name);
  private connection?: AmqpConnectionManager;
  private channel?: ChannelWrapper;
  private readonly queues: { main: string; retry: string; dlq: string };
  private inFlight = 0;

  constructor(private readonly options: ConsumerOptions) {
    super();
    this.queues = queueNames(options.service, options.purpose);
  }

  get queueName(): string {
    return this.queues.main;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.checkSubscriptions();
      this.connection = createAmqpConnection(
        this.options.url,
        `${this.options.service}.${this.options.purpose}`,
      );
      this.channel = this.connection.createChannel({
        name: this.queues.main,
        confirm: true,
        setup: async (channel: ConfirmChannel) => {
          await channel.prefetch(this.options.prefetch);
          await assertConsumerTopology(channel, {
            exchange: this.options.exchange,
            service: this.options.service,
            purpose: this.options.purpose,
            routingKeys: this.options.subscriptions,
            retryDelayMs: this.options.retryDelayMs,
          });
        },
      });
      await this.channel.waitForConnect();
      await this.channel.consume(this.queues.main, (message) => void this.onMessage(message), {
        noAck: false,
      });
      this.logger.log(`consuming ${this.queues.main} (${this.options.subscriptions.join(', ')})`);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    if (this.channel) {
      await this.channel.cancelAll().catch(() => undefined);
      const deadline = Date.now() + 15_000;
      while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await this.channel.close().catch(() => undefined);
    }
    await this.connection?.close().catch(() => undefined);
  }

  on(): never {
    throw new Error('AmqpServer does not emit events');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  /** Every subscribed key has a handler and every handler is subscribed: a typo fails start-up. */
  private checkSubscriptions(): void {
    const handled = [...this.messageHandlers.keys()];
    const missing = this.options.subscriptions.filter((key) => !this.messageHandlers.has(key));
    const unbound = handled.filter((key) => !this.options.subscriptions.includes(key as RoutingKey));
    if (missing.length || unbound.length) {
      throw new Error(
        `${this.queues.main}: subscriptions without a handler [${missing.join(', ')}], ` +
          `handlers without a subscription [${unbound.join(', ')}]`,
      );
    }
  }

  private async onMessage(message: ConsumeMessage | null): Promise<void> {
    const channel = this.channel;
    if (!message || !channel) return;
    this.inFlight++;
    try {
      await this.process(channel, message);
    } catch (error) {
      // Could not even park or retry (broker gone): leave it unacked; the channel closing redelivers it.
      this.logger.error(`${this.queues.main}: could not settle message: ${errorMessage(error)}`);
    } finally {
      this.inFlight--;
    }
  }

  private async process(channel: ChannelWrapper, message: ConsumeMessage): Promise<void> {
    const attempt = Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 1);
    let json: unknown;
    try {
      json = JSON.parse(message.content.toString('utf8'));
    } catch {
      return this.park(channel, message, 'invalid: body is not JSON', attempt);
    }
    const envelope = validatePlain(MessageEnvelope, json);
    if (!envelope.ok)
      return this.park(channel, message, `invalid envelope: ${envelope.errors.join('; ')}`, attempt);
    const type = envelope.value.type;
    const handler = this.messageHandlers.get(type);
    if (!handler) return this.park(channel, message, `no handler for ${type}`, attempt);
    const payload = validatePlain(PayloadClasses[type] as new () => object, envelope.value.payload);
    if (!payload.ok)
      return this.park(channel, message, `invalid payload: ${payload.errors.join('; ')}`, attempt);

    const data = { ...envelope.value, payload: payload.value };
    try {
      const result = await handler(data, new AmqpContext([message, attempt]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      const reason = errorMessage(error);
      if (isPermanent(error)) return this.park(channel, message, `permanent: ${reason}`, attempt);
      if (attempt >= this.options.maxAttempts) {
        return this.park(channel, message, `gave up after ${attempt} attempts: ${reason}`, attempt);
      }
      return this.retry(channel, message, reason, attempt);
    }
    channel.ack(message);
  }

  private async retry(
    channel: ChannelWrapper,
    message: ConsumeMessage,
    reason: string,
    attempt: number,
  ): Promise<void> {
    this.logger.warn(`${this.queues.main}: attempt ${attempt} failed, retrying: ${reason}`);
    await channel.sendToQueue(this.queues.retry, message.content, {
      ...message.properties,
      persistent: true,
      headers: { ...message.properties.headers, [ATTEMPT_HEADER]: attempt + 1, 'x-cppo-last-error': reason },
    });
    channel.ack(message);
  }

  private async park(
    channel: ChannelWrapper,
    message: ConsumeMessage,
    reason: string,
    attempt: number,
  ): Promise<void> {
    this.logger.error(`${this.queues.main}: parked in ${this.queues.dlq}: ${reason}`);
    await channel.sendToQueue(this.queues.dlq, message.content, {
      ...message.properties,
      persistent: true,
      headers: {
        ...message.properties.headers,
        'x-cppo-dlq-reason': reason.slice(0, 2000),
        'x-cppo-dlq-at': new Date().toISOString(),
        'x-cppo-attempts': attempt,
        'x-cppo-routing-key': message.properties.type ?? message.fields.routingKey,
      },
    });
    channel.ack(message);
  }
}
