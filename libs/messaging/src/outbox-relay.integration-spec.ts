import type { ChannelModel } from 'amqplib';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Connection, Model } from 'mongoose';
import { OfferStatus, OfferType, RoutingKeys, type MessageEnvelope } from '@cppo/contracts';
import {
  AuditEvent,
  AuditEventRepository,
  InboxMessage,
  InboxRepository,
  newId,
  Offer,
  OutboxStore,
  setConditionMode,
  updateWhere,
  when,
  withOutbox,
  type ConditionMode,
  type OutboxEvent,
} from '@cppo/persistence';
import {
  connectTestDatabase,
  deleteTopology,
  dropTestDatabase,
  rabbitUrl,
  rawAmqp,
  uniqueName,
  waitFor,
} from '@cppo/testing';
import { createAmqpConnection } from './amqp-connection';
import { buildEnvelope } from './envelope.factory';
import { EventPublisher } from './event-publisher';
import { InboxService } from './inbox.service';
import { OutboxRelay } from './outbox-relay';

// Both ways of making a conditional write run here: `read-check-write` is what FerretDB gets, `filter` what
// MongoDB gets (forced, so that the MongoDB branch runs against whichever server the tests use).
describe.each<ConditionMode>(['read-check-write', 'filter'])(
  'Outbox (%s; Mongo provider + real RabbitMQ)',
  (mode) => {
    let db: Connection;
    let offers: Model<Offer>;
    let store: OutboxStore;
    let exchange: string;
    let queue: string;
    let amqp: AmqpConnectionManager;
    let publisher: EventPublisher;
    let raw: ChannelModel;
    let received: MessageEnvelope[];
    let applied: string[];
    /** Deliveries the consumer has finished with (applied or recognised as duplicates). */
    let handled: number;

    beforeAll(async () => {
      db = await connectTestDatabase();
      setConditionMode(db, mode);
      offers = db.model<Offer>(Offer.name);
      store = new OutboxStore(offers as unknown as Model<unknown>);
    });

    afterAll(async () => {
      await dropTestDatabase(db);
    });

    beforeEach(async () => {
      await offers.deleteMany({});
      exchange = uniqueName('cppo.events.test');
      queue = uniqueName('outbox-test');
      amqp = createAmqpConnection(rabbitUrl(), 'outbox-test');
      publisher = new EventPublisher(amqp, exchange);
      await publisher.publishEnvelope(buildEnvelope(RoutingKeys.OfferLinked, link(), { orgId: 'warmup' }));
      received = [];
      applied = [];
      handled = 0;
      // A deduplicating consumer: applies each messageId once through the inbox.
      const inbox = new InboxService(new InboxRepository(db.model<InboxMessage>(InboxMessage.name)));
      const consumer = uniqueName('consumer');
      raw = await rawAmqp();
      const channel = await raw.createChannel();
      await channel.assertQueue(queue, { durable: false, autoDelete: true });
      await channel.bindQueue(queue, exchange, RoutingKeys.OpportunityPublished);
      await channel.consume(queue, (message) => {
        if (!message) return;
        const envelope = JSON.parse(message.content.toString()) as MessageEnvelope;
        received.push(envelope);
        void inbox
          .once(consumer, envelope.messageId, async () => void applied.push(envelope.messageId))
          .then(() => (handled++, channel.ack(message)))
          .catch(() => undefined); // the channel closed at the end of a test
      });
    });

    afterEach(async () => {
      await raw.close();
      await publisher.close();
      await amqp.close();
      await deleteTopology(exchange, [queue]);
    });

    function link() {
      return { offerId: 'off_1', awsOfferId: 'offer-1', opportunityId: 'opp_1' };
    }

    async function pendingOpportunity(): Promise<Offer> {
      const id = newId('off');
      const doc = await offers.create({
        _id: id,
        orgId: 'org_a',
        type: OfferType.CPPO_OUT,
        status: OfferStatus.PENDING,
        dedupKey: `out:${id}`,
        name: 'Acme via Partner X',
        productId: 'prod-abc123',
        resellerAccountId: '111122223333',
      });
      return doc.toObject();
    }

    function published(offer: Offer): OutboxEvent {
      return buildEnvelope(
        RoutingKeys.OpportunityPublished,
        {
          opportunityId: offer._id,
          productId: offer.productId,
          resellerAccountId: offer.resellerAccountId,
          buyerAccountIds: [],
          status: OfferStatus.ACTIVE,
          resaleAuthorizationId: 'resaleauthz-1',
        },
        { orgId: offer.orgId },
      ) as OutboxEvent;
    }

    /** A relay that dies between the confirmed publish and the removal (its lease: 300 ms). */
    async function crashAfterPublish(auditLog?: AuditEventRepository): Promise<void> {
      const crashing = new OutboxRelay([store], publisher, { intervalMs: 50, leaseMs: 300 }, auditLog, () =>
        Promise.reject(new Error('killed after publish')),
      );
      await expect(crashing.drain()).rejects.toThrow('killed after publish');
    }

    function activate(offer: Offer, event = published(offer)) {
      return updateWhere(
        offers,
        offer._id,
        when.equals('status', OfferStatus.PENDING),
        { set: { status: OfferStatus.ACTIVE, 'marketplace.resaleAuthorizationId': 'resaleauthz-1' } },
        [event],
      );
    }

    describe('audit lines carried by the events', () => {
      let audit: AuditEventRepository;
      const auditLines = (offer: Offer) => audit.listForEntity(offer.orgId, offer._id);

      beforeAll(() => {
        audit = new AuditEventRepository(db.model<AuditEvent>(AuditEvent.name));
      });

      function publishedWithAudit(offer: Offer): OutboxEvent {
        return {
          ...published(offer),
          audit: {
            entityType: 'opportunity',
            entityId: offer._id,
            action: 'published',
            actor: 'service:test',
            data: { changeSetId: 'cs-1' },
          },
        };
      }

      it('no line lost and none doubled when a relay dies after publishing, and the line is never published', async () => {
        const offer = await pendingOpportunity();
        const event = publishedWithAudit(offer);
        // The process that made the change dies at once: only the stored document knows of the line.
        await activate(offer, event);

        await crashAfterPublish(audit);
        const survivor = new OutboxRelay([store], publisher, { intervalMs: 50, leaseMs: 300 }, audit);
        await waitFor(async () => (await survivor.drain()) === 1, { what: 'the take-over after the lease' });
        await waitFor(() => handled === 2, { what: 'both publishes handled' });

        const lines = await auditLines(offer);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({
          _id: `aud_${event.messageId}`,
          orgId: offer.orgId,
          entityType: 'opportunity',
          entityId: offer._id,
          action: 'published',
          actor: 'service:test',
          data: { changeSetId: 'cs-1' },
          createdAt: new Date(event.occurredAt),
        });
        expect(received.every((e) => !('audit' in e))).toBe(true);
        expect((await offers.findById(offer._id).lean())?.outbox).toHaveLength(0);
      });

      it('keeps the events when the audit line cannot be written, and writes it on the next cycle', async () => {
        const offer = await pendingOpportunity();
        await activate(offer, publishedWithAudit(offer));

        const failing = new OutboxRelay(
          [store],
          publisher,
          { intervalMs: 50, leaseMs: 30_000 },
          {
            recordFromOutbox: () => Promise.reject(new Error('audit collection away')),
          },
        );
        await expect(failing.drain()).rejects.toThrow('audit collection away');
        expect((await offers.findById(offer._id).lean())?.outbox).toHaveLength(1);
        expect(await auditLines(offer)).toHaveLength(0);

        const relay = new OutboxRelay([store], publisher, { intervalMs: 50, leaseMs: 30_000 }, audit);
        expect(await relay.drain()).toBe(1);
        expect(await auditLines(offer)).toHaveLength(1);
        expect((await offers.findById(offer._id).lean())?.outbox).toHaveLength(0);
      });
    });

    it('writes the state change and its event in one atomic update, once under concurrency', async () => {
      const offer = await pendingOpportunity();
      const results = await Promise.all(Array.from({ length: 10 }, () => activate(offer)));

      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      const stored = await offers.findById(offer._id).lean();
      expect(stored?.status).toBe(OfferStatus.ACTIVE);
      expect(stored?.outbox).toHaveLength(1);
      expect(stored?.outbox[0].type).toBe(RoutingKeys.OpportunityPublished);
      expect(winners[0]?.outbox[0].messageId).toBe(stored?.outbox[0].messageId);
    });

    it('re-publishes after a crash between publish and removal; the consumer applies it once', async () => {
      const offer = await pendingOpportunity();
      const updated = await activate(offer);
      const messageId = updated!.outbox[0].messageId;

      await crashAfterPublish();
      await waitFor(() => received.length === 1, { what: 'the first publish' });
      expect((await offers.findById(offer._id).lean())?.outbox).toHaveLength(1);

      // Another relay takes over once the dead relay's lease expires.
      const survivor = new OutboxRelay([store], publisher, { intervalMs: 50, leaseMs: 300 });
      expect(await survivor.drain()).toBe(0);
      await waitFor(async () => (await survivor.drain()) === 1, { what: 'the take-over after the lease' });

      await waitFor(() => handled === 2, { what: 'the re-publish handled' });
      expect(received.map((e) => e.messageId)).toEqual([messageId, messageId]);
      expect(applied).toEqual([messageId]);
      expect((await offers.findById(offer._id).lean())?.outbox).toHaveLength(0);
    });

    it('loses nothing when the relay dies before the publish', async () => {
      const offer = await pendingOpportunity();
      await activate(offer);

      const dead = new OutboxRelay(
        [store],
        { publishEnvelope: () => Promise.reject(new Error('broker gone')) },
        {
          intervalMs: 50,
          leaseMs: 30_000,
        },
      );
      await expect(dead.drain()).rejects.toThrow('broker gone');
      expect((await offers.findById(offer._id).lean())?.outbox).toHaveLength(1);

      const relay = new OutboxRelay([store], publisher, { intervalMs: 50, leaseMs: 30_000 });
      expect(await relay.drain()).toBe(1);
      await waitFor(() => applied.length === 1, { what: 'the publish' });
      expect(received).toHaveLength(1);
      expect((await offers.findById(offer._id).lean())?.outbox).toHaveLength(0);
    });

    it('keeps an event appended while the relay was publishing, and publishes it next', async () => {
      const offer = await pendingOpportunity();
      await activate(offer);
      const late = published(offer);
      const sink = {
        publishEnvelope: async (envelope: MessageEnvelope) => {
          await publisher.publishEnvelope(envelope);
          if (envelope.messageId !== late.messageId) {
            await offers.updateOne({ _id: offer._id }, { $push: { outbox: late } });
          }
        },
      };
      const relay = new OutboxRelay([store], sink, { intervalMs: 50, leaseMs: 30_000 });
      expect(await relay.drain()).toBe(2);
      await waitFor(() => applied.length === 2, { what: 'both events' });
      expect(applied[1]).toBe(late.messageId);
      expect((await offers.findById(offer._id).lean())?.outbox).toHaveLength(0);
    });

    async function insertOwned(relay: OutboxRelay): Promise<{ offer: Offer; event: OutboxEvent }> {
      const offer = await pendingOpportunity();
      await offers.deleteOne({ _id: offer._id });
      const event = published(offer);
      await offers.create(withOutbox(offer, [event], relay.leaseUntil()));
      return { offer, event };
    }

    it('lets the writer publish the events it stored with its own lease; a draining relay skips them', async () => {
      const relay = new OutboxRelay([store], publisher, { intervalMs: 50, leaseMs: 30_000 });
      const { offer, event } = await insertOwned(relay);

      expect(await relay.drain()).toBe(0); // another relay's cycle while the writer still holds the lease
      await relay.publishStored(offers.collection.collectionName, offer._id, [event]);
      await waitFor(() => applied.length === 1, { what: 'the owned publish' });
      expect(await relay.drain()).toBe(0); // nothing left for a relay: the writer published it once
      expect(received.map((e) => e.messageId)).toEqual([event.messageId]);
      const stored = await offers.collection.findOne({ _id: offer._id as never });
      expect(stored?.['outbox']).toEqual([]);
      expect(stored).not.toHaveProperty('outboxPending');
      expect(stored).not.toHaveProperty('outboxLeaseUntil');
    });

    it('leaves owned events to the relay when the writer cannot publish them', async () => {
      const broken = new OutboxRelay(
        [store],
        { publishEnvelope: () => Promise.reject(new Error('broker gone')) },
        { intervalMs: 50, leaseMs: 30_000 },
      );
      const { offer, event } = await insertOwned(broken);
      await broken.publishStored(offers.collection.collectionName, offer._id, [event]); // does not throw

      const relay = new OutboxRelay([store], publisher, { intervalMs: 50, leaseMs: 30_000 });
      expect(await relay.drain()).toBe(1);
      await waitFor(() => applied.length === 1, { what: 'the relay publish' });
      expect(applied).toEqual([event.messageId]);
    });

    it('publishes by itself once started, when kicked after a write', async () => {
      const offer = await pendingOpportunity();
      const relay = new OutboxRelay([store], publisher, { intervalMs: 60_000, leaseMs: 30_000 });
      relay.start();
      try {
        await activate(offer);
        relay.changed();
        await waitFor(() => applied.length === 1, { what: 'the kicked relay' });
      } finally {
        await relay.stop();
      }
    });
  },
);
