import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { when } from '../condition';
import {
  WebhookEndpoint,
  WebhookMessage,
  WebhookMessageStatus,
  type WebhookAttempt,
  type WebhookSecret,
} from '../schemas/webhook.schema';
import { findOrgPage, findVisibleDoc, str, type Page, type PageRequest } from './query';
import { insertNew, updateWhere } from './write';

/** What a person may change on an endpoint. */
export interface WebhookEndpointChange {
  url?: string;
  eventTypes?: string[];
  description?: string;
  enabled?: boolean;
}

/** After an attempt: the message's next state. */
export interface WebhookAttemptOutcome {
  status: WebhookMessageStatus;
  tries: number;
  nextAttemptAt?: Date;
  /** Kept by this process until then (it retries from memory), else released to any poller. */
  leaseUntil?: Date;
}

/**
 * The `webhook_endpoints` and `webhook_messages` collections (written by the webhooks service only). Batch
 * writes of messages go one at a time per process (`serially`), and an update batch must stay small: FerretDB
 * (SQLite) holds a pooled connection for every statement of an update command until the command ends, so
 * update commands whose statements add up to its pool (100) wait for each other for ever (seen in the
 * webhooks bench: every query of the server hung). The callers' group commits keep batches large enough.
 */
@Injectable()
export class WebhookRepository {
  private tail: Promise<unknown> = Promise.resolve();

  private serially<T>(write: () => Promise<T>): Promise<T> {
    const run = this.tail.then(write, write);
    this.tail = run.catch(() => undefined);
    return run;
  }

  constructor(
    @InjectModel(WebhookEndpoint.name) private readonly endpoints: Model<WebhookEndpoint>,
    @InjectModel(WebhookMessage.name) private readonly messages: Model<WebhookMessage>,
  ) {}

  async createEndpoint(endpoint: Omit<WebhookEndpoint, 'createdAt' | 'updatedAt'>): Promise<WebhookEndpoint> {
    const created = await this.endpoints.create(endpoint);
    return created.toObject();
  }

  /** An org's endpoints, oldest first (an org has a few; capped by the service). */
  listEndpoints(orgId: string): Promise<WebhookEndpoint[]> {
    return this.endpoints
      .find({ orgId: str(orgId, 'orgId') })
      .sort({ _id: 1 })
      .lean()
      .exec();
  }

  findEndpoint(orgId: string, id: string): Promise<WebhookEndpoint | null> {
    return findVisibleDoc(this.endpoints, orgId, id);
  }

  /** By id alone, for the deliverer (the message it came with names the org). */
  endpointById(id: string): Promise<WebhookEndpoint | null> {
    return this.endpoints
      .findOne({ _id: str(id, 'id') })
      .lean()
      .exec();
  }

  changeEndpoint(orgId: string, id: string, change: WebhookEndpointChange): Promise<WebhookEndpoint | null> {
    const set: Record<string, unknown> = {};
    // absent and null both leave a field as it is (a PATCH may send null for "no change")
    for (const [key, value] of Object.entries(change))
      if (value !== undefined && value !== null) set[key] = value;
    // Enabled again by a person: the hub's reason and the failing streak are over.
    const unset = change.enabled === true ? ['disabledReason', 'failingSince'] : [];
    return updateWhere(this.endpoints, id, when.equals('orgId', str(orgId, 'orgId')), { set, unset }, []);
  }

  /** Replaces the secrets (rotation: the new one first, the old ones with their end of overlap). */
  replaceSecrets(orgId: string, id: string, secrets: WebhookSecret[]): Promise<WebhookEndpoint | null> {
    return updateWhere(
      this.endpoints,
      id,
      when.equals('orgId', str(orgId, 'orgId')),
      { set: { secrets } },
      [],
    );
  }

  async deleteEndpoint(orgId: string, id: string): Promise<boolean> {
    const found = await this.findEndpoint(orgId, id);
    if (!found) return false;
    await this.endpoints.deleteOne({ _id: str(id, 'id') }).exec();
    return true;
  }

  /** Disabled by the hub (410 Gone, failing too long), with the reason. */
  async disableEndpoint(id: string, reason: string): Promise<void> {
    await this.endpoints
      .updateOne({ _id: str(id, 'id') }, { $set: { enabled: false, disabledReason: reason } })
      .exec();
  }

  /** The first failure after a success starts the streak; a success ends it. */
  async setFailingSince(id: string, since: Date | undefined): Promise<void> {
    const update = since ? { $set: { failingSince: since } } : { $unset: { failingSince: '' } };
    await this.endpoints.updateOne({ _id: str(id, 'id') }, update).exec();
  }

  /**
   * Stores messages in one round trip; says of each whether it was new (a redelivered event's are not).
   */
  async insertMessages(docs: Omit<WebhookMessage, 'createdAt'>[]): Promise<boolean[]> {
    if (!docs.length) return [];
    const now = new Date();
    const taken = await this.serially(() =>
      insertNew(
        this.messages,
        docs.map((doc) => ({ ...doc, createdAt: now })),
      ),
    );
    return docs.map((_, i) => !taken.has(i));
  }

  findMessage(orgId: string, id: string): Promise<WebhookMessage | null> {
    return findVisibleDoc(this.messages, orgId, id);
  }

  listMessages(
    orgId: string,
    endpointId: string,
    status: WebhookMessageStatus | undefined,
    page: PageRequest,
  ): Promise<Page<WebhookMessage>> {
    return findOrgPage(this.messages, orgId, { endpointId, status }, page);
  }

  /** Writes attempts and what follows each, in one round trip (the lease holder's writes: unconditional). */
  async recordAttempts(
    entries: { id: string; attempt?: WebhookAttempt; outcome: WebhookAttemptOutcome }[],
  ): Promise<void> {
    if (!entries.length) return;
    await this.serially(() =>
      this.messages.bulkWrite(
        entries.map(({ id, attempt, outcome }) => {
          const set: Record<string, unknown> = { status: outcome.status, tries: outcome.tries };
          const unset: Record<string, ''> = {};
          if (outcome.nextAttemptAt) set['nextAttemptAt'] = outcome.nextAttemptAt;
          else unset['nextAttemptAt'] = '';
          if (outcome.leaseUntil) set['leaseUntil'] = outcome.leaseUntil;
          else unset['leaseUntil'] = '';
          return {
            updateOne: {
              filter: { _id: str(id, 'id') },
              update: {
                $set: set,
                ...(Object.keys(unset).length ? { $unset: unset } : {}),
                ...(attempt ? { $push: { attempts: attempt } } : {}),
              },
            },
          };
        }),
        { ordered: false },
      ),
    );
  }

  /**
   * Messages due for an attempt that no process holds, each claimed until `leaseUntil` (a conditional write:
   * of two pollers racing for one, one gets it).
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<WebhookMessage[]> {
    const due = await this.messages
      .find(
        {
          status: { $in: [WebhookMessageStatus.PENDING, WebhookMessageStatus.FAILING] },
          nextAttemptAt: { $lte: now },
          $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }],
        },
        { _id: 1 },
      )
      .limit(limit)
      .lean()
      .exec();
    const claimed: WebhookMessage[] = [];
    for (const { _id } of due) {
      const taken = await updateWhere(
        this.messages,
        _id,
        when.unsetOrBefore('leaseUntil', now),
        { set: { leaseUntil } },
        [],
      );
      if (taken) claimed.push(taken);
    }
    return claimed;
  }

  /** Sends a message again from the start of the schedule (same id), held by this process until `leaseUntil`. */
  replayMessage(orgId: string, id: string, leaseUntil: Date): Promise<WebhookMessage | null> {
    return updateWhere(
      this.messages,
      id,
      when.equals('orgId', str(orgId, 'orgId')),
      { set: { status: WebhookMessageStatus.PENDING, tries: 0, nextAttemptAt: new Date(), leaseUntil } },
      [],
    );
  }
}
