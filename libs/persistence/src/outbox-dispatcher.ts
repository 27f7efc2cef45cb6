import { Injectable } from '@nestjs/common';
import type { OutboxEvent } from './schemas/outbox-event.schema';

/** What the messaging library's relay offers the repositories (see {@link OutboxDispatcher}). */
export interface OutboxSink {
  /** The lease a writer stores with new events it publishes itself at once. */
  leaseUntil(): Date;
  /** Publishes events just stored with that lease, then empties them; never throws (the relay retries). */
  publishStored(
    collection: string,
    id: string,
    events: OutboxEvent[],
    options: { soleWriter: boolean },
  ): Promise<void>;
  /** Events were appended to an existing document: publish soon. */
  changed(): void;
}

/**
 * How a repository write that caused events gets them published, without the caller knowing: a new
 * document is stored with its events and a lease, and published at once by the writer (no claim write, no
 * wait for a relay cycle); an update with events wakes the relay. The messaging library attaches its relay
 * here at start-up; without one (the CLI) events simply wait in the outbox for any service's relay.
 */
@Injectable()
export class OutboxDispatcher {
  private sink?: OutboxSink;

  attach(sink: OutboxSink): void {
    this.sink = sink;
  }

  leaseUntil(): Date | undefined {
    return this.sink?.leaseUntil();
  }

  async stored(collection: string, id: string, events: OutboxEvent[], soleWriter = false): Promise<void> {
    if (this.sink && events.length) await this.sink.publishStored(collection, id, events, { soleWriter });
  }

  changed(events: OutboxEvent[]): void {
    if (events.length) this.sink?.changed();
  }
}
