import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import {
  AuditEventRepository,
  WebhookMessageStatus,
  WebhookRepository,
  type WebhookAttempt,
  type WebhookAttemptOutcome,
  type WebhookEndpoint,
  type WebhookMessage,
} from '@cppo/persistence';
import { GroupCommit, PeriodicTask } from '@cppo/runtime';
import { WebhooksEnv } from '../config/webhooks.env';
import { EndpointDirectory } from './endpoint-directory';
import { nextAttemptDelay, parseDuration, parseSchedule } from './retry-schedule';
import { TargetGuard } from './target-guard';
import { WebhookSender, type AttemptResult } from './webhook-sender';

/** A message whose next attempt is this close waits in this process's memory (it keeps the lease). */
const IN_MEMORY_RETRY_MS = 60_000;
/** Messages kept waiting in memory per endpoint; beyond, they wait in the database for the poller. */
const MAX_WAITING = 5_000;

const attempts = new Counter({
  name: 'cppo_webhook_attempts_total',
  help: 'Webhook delivery attempts, by outcome (delivered, failed, refused)',
  labelNames: ['outcome'],
});
const attemptSeconds = new Histogram({
  name: 'cppo_webhook_attempt_seconds',
  help: 'Duration of webhook delivery attempts',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
});

interface EndpointQueue {
  running: number;
  waiting: WebhookMessage[];
}

/**
 * Delivers messages: per endpoint a queue with at most WEBHOOK_ENDPOINT_CONCURRENCY attempts in flight, so a
 * slow or dead endpoint holds only its own slots. Each attempt is signed (every live secret), sent by the
 * guarded sender and written with its outcome; a retry due within a minute waits here, a later one in the
 * database, where the poller finds it (and what a crashed replica held, once its lease ends).
 */
@Injectable()
export class DeliveryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly schedule: number[];
  private readonly disableAfterMs: number;
  readonly leaseMs: number;
  readonly guard: TargetGuard;
  private readonly sender: WebhookSender;
  private readonly poller: PeriodicTask;
  private stopping = false;
  /** Attempt outcomes, written together when several finish while a write is in flight. */
  private readonly outcomes: GroupCommit<
    Parameters<WebhookRepository['recordAttempts']>[0][number],
    undefined
  >;

  constructor(
    private readonly messages: WebhookRepository,
    private readonly directory: EndpointDirectory,
    private readonly audit: AuditEventRepository,
    private readonly env: WebhooksEnv,
  ) {
    this.schedule = parseSchedule(env.WEBHOOK_RETRY_SCHEDULE);
    this.disableAfterMs = parseDuration(env.WEBHOOK_DISABLE_AFTER) ?? 5 * 86_400_000;
    this.leaseMs = env.WEBHOOK_TIMEOUT_MS + 30_000;
    this.guard = new TargetGuard(env.WEBHOOK_ALLOWED_HOSTS);
    this.sender = new WebhookSender(this.guard, env.WEBHOOK_TIMEOUT_MS);
    // At most 50 per update command: FerretDB (SQLite) keeps a pooled connection per statement of an update
    // command until the command ends, and one of more statements than its pool (100) never ends.
    this.outcomes = new GroupCommit(async (entries) => {
      await this.messages.recordAttempts(entries);
      return entries.map(() => undefined);
    }, 50);
    this.poller = new PeriodicTask({
      name: 'webhook-retries',
      everyMs: env.WEBHOOK_POLL_MS,
      jitter: 0.1,
      run: () => this.pollDue(),
    });
  }

  onApplicationBootstrap(): void {
    this.poller.start(this.env.WEBHOOK_POLL_MS);
  }

  /**
   * Before the database closes: no new attempts, those in flight are dropped unrecorded (a receiver may have
   * got one: it is sent again with the same webhook-id once the lease ends, which receivers deduplicate).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.poller.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.sender.abortAll();
    await Promise.allSettled([...this.inFlight]);
  }

  /** The delay before a new message's first attempt (the schedule's first entry, normally 0). */
  get firstDelayMs(): number {
    return this.schedule[0];
  }

  /** A lease for messages this process will deliver: until then no other replica takes them. */
  lease(now = Date.now()): Date {
    return new Date(now + this.firstDelayMs + this.leaseMs);
  }

  /** Whether an endpoint's queue can take more in memory (else the message waits for the poller). */
  hasRoom(endpointId: string): boolean {
    return (this.queues.get(endpointId)?.waiting.length ?? 0) < MAX_WAITING;
  }

  /** Delivers messages this process holds the lease of, at their `nextAttemptAt`. */
  enqueue(messages: WebhookMessage[]): void {
    for (const message of messages) {
      const wait = (message.nextAttemptAt ? new Date(message.nextAttemptAt).getTime() : 0) - Date.now();
      if (wait > 0) this.later(message, wait);
      else this.push(message);
    }
  }

  private later(message: WebhookMessage, wait: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.push(message);
    }, wait);
    this.timers.add(timer);
  }

  private push(message: WebhookMessage): void {
    if (this.stopping) return; // its lease ends; another replica (or this one, restarted) takes it
    let queue = this.queues.get(message.endpointId);
    if (!queue) this.queues.set(message.endpointId, (queue = { running: 0, waiting: [] }));
    queue.waiting.push(message);
    this.pump(message.endpointId, queue);
  }

  private pump(endpointId: string, queue: EndpointQueue): void {
    while (queue.running < this.env.WEBHOOK_ENDPOINT_CONCURRENCY && queue.waiting.length) {
      const message = queue.waiting.shift() as WebhookMessage;
      queue.running++;
      let released = false;
      // The slot is the endpoint's for the request only: writing the outcome happens after it is free.
      const release = () => {
        if (released) return;
        released = true;
        queue.running--;
        if (!queue.running && !queue.waiting.length) this.queues.delete(endpointId);
        else this.pump(endpointId, queue);
      };
      const work = this.attempt(message, release)
        .catch((error: Error) => this.logger.error(`message ${message._id}: ${error.message}`))
        .finally(() => {
          this.inFlight.delete(work);
          release();
        });
      this.inFlight.add(work);
    }
  }

  /** One attempt of one message, its outcome written (and the endpoint's, when it must be disabled). */
  private async attempt(message: WebhookMessage, sent: () => void): Promise<void> {
    const endpoint = await this.directory.byIdOf(message.endpointId);
    const at = new Date();
    if (!endpoint || !endpoint.enabled) {
      const why = endpoint
        ? `endpoint disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`
        : 'endpoint deleted';
      await this.record(
        message._id,
        { at, durationMs: 0, error: `not sent: ${why}` },
        { status: WebhookMessageStatus.GAVE_UP, tries: message.tries },
      );
      return;
    }
    const result = await this.send(endpoint, message);
    sent();
    if (this.stopping) return; // aborted, or answered as we stop: left to the lease
    const attempt: WebhookAttempt = {
      at,
      durationMs: result.durationMs,
      ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
      ...(result.error ? { error: result.error } : {}),
    };
    attemptSeconds.observe(result.durationMs / 1000);
    const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    attempts.inc({ outcome: ok ? 'delivered' : 'failed' });
    if (ok) {
      await this.record(message._id, attempt, {
        status: WebhookMessageStatus.DELIVERED,
        tries: message.tries,
      });
      if (endpoint.failingSince) await this.failingSince(endpoint, undefined);
      return;
    }
    if (result.statusCode === 410) {
      await this.record(message._id, attempt, {
        status: WebhookMessageStatus.GAVE_UP,
        tries: message.tries + 1,
      });
      await this.disable(endpoint, 'the receiver answered 410 Gone');
      return;
    }
    await this.failed(endpoint, message, attempt, result);
  }

  private async failed(
    endpoint: WebhookEndpoint,
    message: WebhookMessage,
    attempt: WebhookAttempt,
    result: AttemptResult,
  ): Promise<void> {
    const tries = message.tries + 1;
    const honoured = result.statusCode === 429 || result.statusCode === 503 ? result.retryAfterMs : undefined;
    const delay = nextAttemptDelay(this.schedule, tries, honoured);
    if (delay === undefined) {
      await this.record(message._id, attempt, {
        status: WebhookMessageStatus.GAVE_UP,
        tries,
      });
    } else {
      const nextAttemptAt = new Date(Date.now() + delay);
      const keep = delay <= IN_MEMORY_RETRY_MS && !this.stopping;
      await this.record(message._id, attempt, {
        status: WebhookMessageStatus.FAILING,
        tries,
        nextAttemptAt,
        ...(keep ? { leaseUntil: new Date(nextAttemptAt.getTime() + this.leaseMs) } : {}),
      });
      if (keep) this.later({ ...message, tries, nextAttemptAt }, delay);
    }
    const since = endpoint.failingSince ? new Date(endpoint.failingSince) : undefined;
    if (!since) await this.failingSince(endpoint, attempt.at);
    else if (Date.now() - since.getTime() >= this.disableAfterMs)
      await this.disable(endpoint, `every attempt failed since ${since.toISOString()}`);
  }

  private async record(
    id: string,
    attempt: WebhookAttempt | undefined,
    outcome: WebhookAttemptOutcome,
  ): Promise<void> {
    await this.outcomes.add([{ id, attempt, outcome }]);
  }

  private send(endpoint: WebhookEndpoint, message: WebhookMessage): Promise<AttemptResult> {
    const timestamp = new Date();
    const signatures = this.directory
      .liveSecrets(endpoint, timestamp)
      .map((secret) => new Webhook(secret).sign(message._id, timestamp, message.body));
    return this.sender.send(
      endpoint.url,
      {
        'content-type': 'application/json',
        'user-agent': 'CPPO-Hub-Webhooks/1',
        'webhook-id': message._id,
        'webhook-timestamp': Math.floor(timestamp.getTime() / 1000).toString(),
        'webhook-signature': signatures.join(' '),
      },
      message.body,
    );
  }

  private async failingSince(endpoint: WebhookEndpoint, since: Date | undefined): Promise<void> {
    await this.messages.setFailingSince(endpoint._id, since);
    this.directory.changed(endpoint.orgId, endpoint._id);
  }

  private async disable(endpoint: WebhookEndpoint, reason: string): Promise<void> {
    await this.messages.disableEndpoint(endpoint._id, reason);
    this.directory.changed(endpoint.orgId, endpoint._id);
    this.logger.warn(`endpoint ${endpoint._id} of org ${endpoint.orgId} disabled: ${reason}`);
    await this.audit.append({
      orgId: endpoint.orgId,
      entityType: 'webhook_endpoint',
      entityId: endpoint._id,
      action: 'endpoint.disabled',
      actor: 'service:webhooks',
      data: { reason },
    });
  }

  /** Messages due that no process holds (later retries, a crashed replica's): claimed and delivered. */
  private async pollDue(): Promise<void> {
    for (;;) {
      const claimed = await this.messages.claimDue(new Date(), this.lease(), 100);
      this.enqueue(claimed);
      if (claimed.length < 100) return;
    }
  }
}
