import { Logger } from '@nestjs/common';
import type { MessageEnvelope } from '@cppo/contracts';
import type { OutboxEvent, OutboxSink, OutboxStore } from '@cppo/persistence';
import { PeriodicTask } from '@cppo/runtime';
import { errorMessage } from './errors';

export interface OutboxRelayOptions {
  /** Poll period when nothing kicks the relay. */
  intervalMs: number;
  /** How long a claimed document is reserved for this relay; after that another relay may re-publish. */
  leaseMs: number;
}

export interface EnvelopeSink {
  publishEnvelope(envelope: MessageEnvelope): Promise<void>;
}

/** Where the audit lines the events carry are written (persistence's AuditEventRepository). */
export interface AuditLog {
  recordFromOutbox(events: OutboxEvent[]): Promise<void>;
}

/** The message an outbox event is: everything but its audit line, which stays with us. */
function envelopeOf(event: OutboxEvent): MessageEnvelope {
  const { audit: _audit, ...envelope } = event;
  return envelope as MessageEnvelope;
}

/**
 * Publishes the events waiting in documents' embedded outboxes, in order on one channel, all confirmed by
 * RabbitMQ, and only then removes them. A crash after the publish and before the removal re-publishes the
 * same envelope (same messageId) after the lease expires; consumers deduplicate. Nothing is ever lost.
 * The audit lines the events carry are written between the confirms and the removal, idempotently, so a
 * crash anywhere loses none of them either.
 * Repositories reach it through the persistence library's OutboxDispatcher (it is their OutboxSink).
 */
export class OutboxRelay implements OutboxSink {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly stores: OutboxStore[],
    private readonly sink: EnvelopeSink,
    private readonly options: OutboxRelayOptions,
    private readonly auditLog?: AuditLog,
    /** Test seam: runs between the confirmed publish and the removal of a document's events. */
    private readonly beforeRemove: () => Promise<void> = async () => undefined,
  ) {
    this.task = new PeriodicTask({
      name: 'outbox-relay',
      everyMs: options.intervalMs,
      run: () => this.drain(),
    });
  }

  start(): void {
    this.task.start();
  }

  /** Events were appended to a document: run a cycle now instead of waiting for the next poll. */
  changed(): void {
    this.task.kick();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Publishes everything claimable now; returns the number of events published. */
  async drain(): Promise<number> {
    let published = 0;
    for (const store of this.stores) {
      for (;;) {
        const now = new Date();
        const ids = await store.pending(now, 100);
        if (!ids.length) break;
        let progressed = false;
        for (const id of ids) {
          const doc = await store.claimById(id, now, this.options.leaseMs);
          if (!doc) continue;
          progressed = true;
          await this.publishClaimed(store, doc._id, doc.outbox);
          published += doc.outbox.length;
        }
        if (!progressed) break;
      }
    }
    return published;
  }

  /** The lease a writer stores with new events it publishes itself (see `publishStored`). */
  leaseUntil(): Date {
    return new Date(Date.now() + this.options.leaseMs);
  }

  /**
   * Publishes the events a writer has just stored together with the lease on them, without waiting for a
   * relay cycle, then removes them. On failure the lease is released and the events stay for the next
   * cycle; the caller's write is done either way, so this never throws.
   *
   * `soleWriter`: nothing else ever appends events to this document (e.g. an inbox record written once),
   * so the outbox is emptied with one blind write instead of a checked one.
   */
  async publishStored(
    collection: string,
    id: string,
    events: OutboxEvent[],
    { soleWriter = false } = {},
  ): Promise<void> {
    const store = this.stores.find((s) => s.name === collection);
    if (!store) {
      this.logger.error(`no outbox relay store for collection ${collection}: left for another service`);
      return;
    }
    try {
      await this.publishClaimed(store, id, events, soleWriter);
    } catch (error) {
      this.logger.warn(`publishing ${collection}/${id} deferred to the relay: ${errorMessage(error)}`);
      this.task.kick();
    }
  }

  /**
   * Publishes the claimed events in order, then removes exactly those once all are confirmed. They are sent
   * back to back and their confirms awaited together (a call's 1,000 events took 0.5 s one confirm at a
   * time): one channel keeps their order, and if one is refused the document keeps them all for a retry.
   */
  private async publishClaimed(
    store: OutboxStore,
    id: string,
    events: OutboxEvent[],
    soleWriter = false,
  ): Promise<void> {
    try {
      await Promise.all(events.map((event) => this.sink.publishEnvelope(envelopeOf(event))));
      await this.auditLog?.recordFromOutbox(events);
    } catch (error) {
      await store.release(id).catch(() => undefined);
      throw error;
    }
    await this.beforeRemove();
    if (soleWriter) await store.clear(id);
    else await store.remove(id, events);
  }
}
