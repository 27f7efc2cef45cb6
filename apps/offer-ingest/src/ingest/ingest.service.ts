import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  NotificationParseError,
  parseMarketplaceNotification,
  RoutingKeys,
  type OfferReleasedEvent,
  type MessageEnvelope,
  type ParsedNotification,
  type PayloadOf,
  type RoutingKey,
} from '@cppo/contracts';
import { buildEnvelope, deterministicMessageId, EventPublisher } from '@cppo/messaging';
import {
  CppoOfferRepository,
  isDuplicateKeyError,
  MarketplaceEventRepository,
  newId,
  OrgRepository,
  type MarketplaceEventRecord,
  type NewMarketplaceEvent,
  type OutboxEvent,
} from '@cppo/persistence';
import { LRUCache } from 'lru-cache';
import { normalizedEvent } from './notification.mapper';
import { OfferLinker } from '../linking/offer-linker';

export type IngestOutcome = 'processed' | 'duplicate' | 'quarantined';

/**
 * One AWS Marketplace notification → stored once (the `marketplace_events` inbox, keyed by the AWS
 * event id), its effects applied once, its normalized events queued in an outbox. Unusable input is
 * quarantined with the reason; infrastructure errors are thrown, so that SQS delivers the message again.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  /** Account or product code → org id; orgs are not deleted, so 30 s of staleness only delays a new one. */
  private readonly orgCache = new LRUCache<string, string, () => Promise<string | undefined>>({
    max: 10_000,
    ttl: 30_000,
    // Concurrent lookups of one key share one query (a batch often names one account ten times); an
    // account no org owns is not remembered, so an org created for it is found on its next notification.
    fetchMethod: (_key, _stale, { context: lookup }) => lookup(),
  });

  constructor(
    private readonly publisher: EventPublisher,
    private readonly events: MarketplaceEventRepository,
    private readonly offers: CppoOfferRepository,
    private readonly orgs: OrgRepository,
    private readonly linker: OfferLinker,
  ) {}

  /**
   * One SQS batch: an outcome per body, each settling on its own (a hung one holds back no other). The
   * plain notifications (agreements, licences, change sets, notices) of the batch cost one `insertMany`
   * together, then their events are published with confirms — no outbox write: until the consumer
   * deletes the SQS message after this settles, the message itself is the durable "not yet published"
   * record. A crash before the delete redelivers it; the insert then finds it stored and the events are
   * published again with the same deterministic message ids, which consumers deduplicate. Offer Released,
   * SNS control messages and anything to quarantine take the one-by-one path, concurrently.
   */
  ingestBatch(bodies: string[]): Promise<IngestOutcome>[] {
    const results = bodies.map(() => settlement<IngestOutcome>());
    const plain: { index: number; notification: ParsedNotification; body: string }[] = [];
    for (const [index, body] of bodies.entries()) {
      let notification: ParsedNotification;
      try {
        notification = parseMarketplaceNotification(body);
      } catch (error) {
        results[index].settle(this.unparseable(body, error));
        continue;
      }
      const kind = notification.event.kind;
      // An offer set is written onto its offers before its event goes out (the entitlement reads them then).
      if (kind === 'sns-control' || kind === 'offer-released' || kind === 'offer-set-released')
        results[index].settle(this.ingestParsed(notification, body));
      else plain.push({ index, notification, body });
    }
    if (plain.length) void this.ingestPlain(plain, results);
    return results.map((r) => r.promise);
  }

  private async ingestPlain(
    plain: { index: number; notification: ParsedNotification; body: string }[],
    results: Settlement<IngestOutcome>[],
  ): Promise<void> {
    try {
      const orgIds = await Promise.all(plain.map((p) => this.orgFor(p.notification)));
      const owned: { index: number; record: NewMarketplaceEvent; events: OutboxEvent[] }[] = [];
      for (const [i, { index, notification, body }] of plain.entries()) {
        const orgId = orgIds[i];
        // No org for its account: quarantined on the one-by-one path.
        if (!orgId) results[index].settle(this.apply(notification, body, 'fresh'));
        else owned.push({ index, ...this.storedForm(orgId, notification, body) });
      }
      const stored = await this.events.insertBatch(owned.map((o) => o.record));
      await Promise.all(
        owned.map(async ({ index, events, record }, i) => {
          try {
            if (stored[i] === 'missing') throw new Error(`${record._id} reported stored but not found`);
            // Published again for a duplicate: a crash may have come between its insert and its publish.
            await Promise.all(
              events.map((event) => this.publisher.publishEnvelope(event as MessageEnvelope)),
            );
            results[index].settle(Promise.resolve(stored[i] === 'inserted' ? 'processed' : 'duplicate'));
          } catch (error) {
            results[index].settle(Promise.reject(error));
          }
        }),
      );
    } catch (error) {
      for (const { index } of plain) results[index].settle(Promise.reject(error));
    }
  }

  /** A notification with an org, as stored, and the events it causes. */
  private storedForm(
    orgId: string,
    notification: ParsedNotification,
    raw: string,
  ): { record: NewMarketplaceEvent; events: OutboxEvent[] } {
    const outgoing = normalizedEvent(notification);
    return {
      record: {
        _id: notification.eventId,
        orgId,
        state: 'PROCESSED',
        detailType: notification.detailType,
        account: notification.account,
        eventTime: new Date(notification.time),
        raw,
        normalized: notification.event as unknown as Record<string, unknown>,
      },
      events: outgoing ? [this.envelope(orgId, notification, outgoing.key, outgoing.payload)] : [],
    };
  }

  async ingest(body: string): Promise<IngestOutcome> {
    let notification: ParsedNotification;
    try {
      notification = parseMarketplaceNotification(body);
    } catch (error) {
      return this.unparseable(body, error);
    }
    return this.ingestParsed(notification, body);
  }

  /** A body the parser refused: quarantined, attributed to an org when its account or product code reads. */
  private async unparseable(body: string, error: unknown): Promise<IngestOutcome> {
    if (!(error instanceof NotificationParseError)) throw error;
    const { account, productCode } = attributionOf(body);
    const orgId = await this.orgForKey(account, productCode);
    return this.quarantine(
      `q_${createHash('sha256').update(body).digest('hex').slice(0, 40)}`,
      body,
      error.reason,
      { account, orgId },
    );
  }

  private async ingestParsed(notification: ParsedNotification, body: string): Promise<IngestOutcome> {
    if (notification.event.kind === 'sns-control') return this.snsControl(notification, body);
    // A redelivered event is caught by the unique insert of its record; only an offer, whose effects
    // come before that insert, is worth a look first (its own write is idempotent too).
    if (notification.event.kind === 'offer-released' && (await this.events.findById(notification.eventId)))
      return 'duplicate';
    return this.apply(notification, body, 'fresh');
  }

  /** Runs a quarantined notification again (e.g. after the org for its account was created). */
  async replay(record: MarketplaceEventRecord): Promise<IngestOutcome> {
    let notification: ParsedNotification;
    try {
      notification = parseMarketplaceNotification(record.raw);
    } catch (error) {
      if (!(error instanceof NotificationParseError)) throw error;
      await this.events.requarantine(record._id, error.reason);
      return 'quarantined';
    }
    if (notification.eventId !== record._id) {
      // Quarantined before its id could be read; it now parses: process it under its real id.
      const outcome = await this.ingest(record.raw);
      if (outcome !== 'quarantined')
        await this.events.promote(
          record._id,
          { state: 'PROCESSED', reason: `replayed as ${notification.eventId}` },
          [],
        );
      return outcome;
    }
    return this.apply(notification, record.raw, 'replay');
  }

  private async apply(
    notification: ParsedNotification,
    raw: string,
    mode: 'fresh' | 'replay',
  ): Promise<IngestOutcome> {
    const orgId = await this.orgFor(notification);
    if (!orgId) {
      const who = notification.account
        ? `account ${notification.account}`
        : `product code ${productCodeOf(notification)}`;
      const reason = `no org owns ${who}: create it with npm run org:create, then replay`;
      if (mode === 'replay') {
        await this.events.requarantine(notification.eventId, reason);
        return 'quarantined';
      }
      return this.quarantine(
        notification.eventId,
        raw,
        reason,
        { account: notification.account },
        notification,
      );
    }
    const { record, events: derived } = this.storedForm(orgId, notification, raw);
    let events: OutboxEvent[] = [];
    if (notification.event.kind === 'offer-released' && notification.event.channel === 'DIRECT') {
      // The ISV's own private offer: kept in the inbox as what AWS said; no CPPO offer, nothing forwarded.
      this.logger.log(`direct private offer ${notification.event.awsOfferId} released (not a CPPO)`);
    } else if (notification.event.kind === 'offer-released') {
      // The CPPO offer document carries the offer's events; this record only marks the event as done.
      await this.upsertCppoOffer(orgId, notification, notification.event);
    } else if (notification.event.kind === 'offer-set-released') {
      const { offerSetId, awsOfferIds = [] } = notification.event;
      const found = await this.offers.setOfferSet(orgId, awsOfferIds, offerSetId);
      this.logger.log(`offer set ${offerSetId}: ${found} of ${awsOfferIds.length} offers known`);
      events = derived;
    } else {
      events = derived;
    }
    if (mode === 'replay') {
      await this.events.promote(notification.eventId, { ...record, reason: undefined }, events);
      return 'processed';
    }
    return (await this.events.insertOnce(record, events)) ? 'processed' : 'duplicate';
  }

  /**
   * Upserts the partner's CPPO offer (unique per org and AWS offer id) with `cppo.offer.released.v1`
   * (and `cppo.offer.linked.v1` when its opportunity is found). Idempotent per AWS event: the offer
   * remembers the event ids it applied, so a redelivery after a crash changes nothing.
   */
  private async upsertCppoOffer(
    orgId: string,
    notification: ParsedNotification,
    event: OfferReleasedEvent,
  ): Promise<void> {
    const existing = await this.offers.findByAwsOfferId(orgId, event.awsOfferId);
    if (existing?.sourceEventIds?.includes(notification.eventId)) return;
    const link = existing?.cppoOutOfferId ? undefined : await this.linker.resolve(orgId, event);
    const offerId = existing?._id ?? newId('off');
    const opportunityId = existing?.cppoOutOfferId ?? link?.opportunity?._id;
    const resaleAuthorizationId = existing?.marketplace?.resaleAuthorizationId ?? link?.resaleAuthorizationId;
    const events = [
      this.envelope(orgId, notification, RoutingKeys.OfferReleased, {
        offerId,
        awsOfferId: event.awsOfferId,
        name: event.name,
        productId: event.productId,
        partnerAccountId: event.sellerOfRecordAccountId,
        buyerAccountIds: event.buyerAccountIds,
        expirationDate: event.expirationDate,
        opportunityId,
        resaleAuthorizationId,
      }),
    ];
    if (link?.opportunity) {
      events.push(
        this.envelope(orgId, notification, RoutingKeys.OfferLinked, {
          offerId,
          awsOfferId: event.awsOfferId,
          opportunityId: link.opportunity._id,
          resaleAuthorizationId,
        }),
      );
      this.logger.log(
        `CPPO offer ${event.awsOfferId} linked to opportunity ${link.opportunity._id} (${link.how})`,
      );
    }
    const fields = {
      name: event.name,
      productId: event.productId,
      resellerAccountId: event.sellerOfRecordAccountId,
      buyerAccountIds: event.buyerAccountIds,
      expiryDate: event.expirationDate,
      cppoOutOfferId: opportunityId,
      resaleAuthorizationId,
      offerSetId: event.offerSetId,
    };
    if (existing) {
      await this.offers.applyRelease(orgId, existing._id, notification.eventId, fields, events);
      return;
    }
    try {
      await this.offers.create(orgId, offerId, event.awsOfferId, notification.eventId, fields, events);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Another replica inserted it meanwhile: apply as an update.
      return this.upsertCppoOffer(orgId, notification, event);
    }
  }

  /**
   * SNS asks to confirm a subscription (or says one was removed): kept, attributed when the topic's product
   * code is an org's, and not processed further; confirming is an operator's act (the SubscribeURL).
   */
  private async snsControl(notification: ParsedNotification, raw: string): Promise<IngestOutcome> {
    const orgId = await this.orgFor(notification);
    const event = notification.event as { type: string; topicArn: string };
    this.logger.warn(`SNS ${event.type} for ${event.topicArn}: confirm it from the stored SubscribeURL`);
    const inserted = await this.events.insertOnce(
      {
        _id: notification.eventId,
        orgId,
        state: 'IGNORED',
        detailType: notification.detailType,
        eventTime: new Date(notification.time),
        raw,
        normalized: notification.event as unknown as Record<string, unknown>,
        reason: `SNS ${event.type}: an operator confirms it by opening its SubscribeURL (kept in raw)`,
      },
      [],
    );
    return inserted ? 'processed' : 'duplicate';
  }

  /**
   * Keeps an unusable notification with the reason. `orgId` when its org is known (it then sees it),
   * `account` when only the receiving account is (its org sees it once it exists); with neither, only an
   * operator key does.
   */
  private async quarantine(
    id: string,
    raw: string,
    reason: string,
    owner: { account?: string; orgId?: string },
    notification?: ParsedNotification,
  ): Promise<IngestOutcome> {
    this.logger.warn(`quarantined ${id}: ${reason}`);
    const inserted = await this.events.insertOnce(
      {
        _id: id,
        orgId: owner.orgId,
        state: 'QUARANTINED',
        reason,
        raw,
        account: owner.account,
        detailType: notification?.detailType,
        eventTime: notification ? new Date(notification.time) : undefined,
        normalized: notification?.event as unknown as Record<string, unknown> | undefined,
      },
      [],
    );
    return inserted ? 'quarantined' : 'duplicate';
  }

  private orgFor(notification: ParsedNotification): Promise<string | undefined> {
    return this.orgForKey(notification.account, productCodeOf(notification));
  }

  /** The org owning an AWS account (EventBridge) or else a SaaS product code (SNS), cached. */
  private async orgForKey(account?: string, productCode?: string): Promise<string | undefined> {
    if (!account && !productCode) return undefined;
    const [key, find] = account
      ? [`account:${account}`, () => this.orgs.findByAwsAccountId(account)]
      : [`product:${productCode}`, () => this.orgs.findByProductCode(productCode ?? '')];
    return this.orgCache.fetch(key, { context: () => find().then((org) => org?._id) });
  }

  /** Events derived from one AWS event get deterministic ids: a double publish deduplicates downstream. */
  private envelope<K extends RoutingKey>(
    orgId: string,
    notification: ParsedNotification,
    key: K,
    payload: PayloadOf<K>,
  ): OutboxEvent {
    return buildEnvelope(key, payload, {
      orgId,
      messageId: deterministicMessageId(`${notification.eventId}:${key}`),
      causationId: notification.eventId,
      occurredAt: notification.time,
    });
  }
}

/** A promise settled later by whoever has the outcome. */
interface Settlement<T> {
  promise: Promise<T>;
  settle(outcome: Promise<T>): void;
}

function settlement<T>(): Settlement<T> {
  let settle: (outcome: Promise<T>) => void = () => undefined;
  const promise = new Promise<T>((resolve) => (settle = resolve as (outcome: Promise<T>) => void));
  return { promise, settle };
}

function productCodeOf(notification: ParsedNotification): string | undefined {
  const event = notification.event;
  if (event.kind === 'saas-subscription' || event.kind === 'sns-control') return event.productCode;
  return undefined;
}

/**
 * Whose a malformed notification is, when it can still be read: the receiving `account` of an EventBridge
 * event, or a SaaS `product-code` — also inside an SNS envelope's `Message`, where the quotes are escaped
 * (`\"account\":\"123…\"`). Read by pattern, since the body may not parse at all. The envelope's
 * TopicArn is not used: for SaaS topics its account is AWS's, not the ISV's.
 */
export function attributionOf(body: string): { account?: string; productCode?: string } {
  const field = (name: string, value: string) =>
    new RegExp(`\\\\*"${name}\\\\*"\\s*:\\s*\\\\*"(${value})\\\\*"`).exec(body)?.[1];
  return { account: field('account', '\\d{12}'), productCode: field('product-code', '[A-Za-z0-9]{1,64}') };
}
