import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type INestApplication,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Model } from 'mongoose';
import type { RoutingKey } from '@cppo/contracts';
import { AuditEventRepository, InboxRepository, OutboxDispatcher, OutboxStore } from '@cppo/persistence';
import { BaseEnv } from '@cppo/runtime';
import { createAmqpConnection } from './amqp-connection';
import { AmqpServer } from './amqp.server';
import { EventPublisher } from './event-publisher';
import { InboxService } from './inbox.service';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox-relay';

export const AMQP_CONNECTION = Symbol('AMQP_CONNECTION');

export interface MessagingModuleOptions {
  /** Service name: prefix of its queues and its connection name. */
  service: string;
  /**
   * Models whose embedded outbox this service's relay publishes; with a filter when a collection is
   * shared, so that the relay only touches the documents this service writes.
   */
  outboxModels: (string | { model: string; scope: Record<string, string> })[];
}

/** The messaging settings from the service's validated environment. */
export function messagingOptionsFrom(env: BaseEnv, service: string): MessagingOptions {
  return {
    url: env.RABBITMQ_URL,
    exchange: env.RABBITMQ_EXCHANGE,
    service: env.RABBITMQ_QUEUE_PREFIX ?? service,
    prefetch: env.RABBITMQ_PREFETCH,
    retryDelayMs: env.MESSAGE_RETRY_DELAY_MS,
    maxAttempts: env.MESSAGE_MAX_ATTEMPTS,
  };
}

/** Starts the relay with the app and, on shutdown, lets it finish, then closes publisher and connection. */
@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly publisher: EventPublisher,
    @Inject(AMQP_CONNECTION) private readonly connection: AmqpConnectionManager,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.publisher.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const outboxes = options.outboxModels.map((entry) =>
      typeof entry === 'string' ? { model: entry, scope: {} } : entry,
    );
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          inject: [BaseEnv],
          useFactory: (env: BaseEnv) => messagingOptionsFrom(env, options.service),
        },
        {
          provide: AMQP_CONNECTION,
          inject: [MESSAGING_OPTIONS],
          useFactory: (o: MessagingOptions) => createAmqpConnection(o.url, `${o.service}.publisher`),
        },
        {
          provide: EventPublisher,
          inject: [AMQP_CONNECTION, MESSAGING_OPTIONS],
          useFactory: (connection: AmqpConnectionManager, o: MessagingOptions) =>
            new EventPublisher(connection, o.exchange),
        },
        {
          provide: OutboxRelay,
          inject: [
            EventPublisher,
            BaseEnv,
            OutboxDispatcher,
            AuditEventRepository,
            ...outboxes.map(({ model }) => getModelToken(model)),
          ],
          useFactory: (
            publisher: EventPublisher,
            env: BaseEnv,
            dispatcher: OutboxDispatcher,
            audit: AuditEventRepository,
            ...models: Model<unknown>[]
          ) => {
            const relay = new OutboxRelay(
              models.map((model, i) => new OutboxStore(model, outboxes[i].scope)),
              publisher,
              { intervalMs: env.OUTBOX_POLL_MS, leaseMs: env.OUTBOX_LEASE_MS },
              audit,
            );
            dispatcher.attach(relay);
            return relay;
          },
        },
        {
          provide: InboxService,
          inject: [InboxRepository],
          useFactory: (repo: InboxRepository) => new InboxService(repo),
        },
        MessagingLifecycle,
      ],
      exports: [MESSAGING_OPTIONS, AMQP_CONNECTION, EventPublisher, InboxService],
    };
  }
}

/**
 * Attaches a consumer of `<service>.<purpose>` to a Nest app; its `@EventPattern(key)` handlers receive
 * the validated envelope. Call before `app.startAllMicroservices()`.
 */
export function connectConsumer(
  app: INestApplication,
  consumer: { purpose: string; subscriptions: readonly RoutingKey[] },
): AmqpServer {
  const strategy = new AmqpServer({ ...app.get<MessagingOptions>(MESSAGING_OPTIONS), ...consumer });
  // Handlers' error filter: see MessageConsumer (a global one would come too late here).
  app.connectMicroservice({ strategy });
  return strategy;
}
