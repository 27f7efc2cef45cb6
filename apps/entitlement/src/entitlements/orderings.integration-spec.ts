import { OfferType, type MessageEnvelope } from '@cppo/contracts';
import { EntitlementRepository } from '@cppo/persistence';
import {
  createTestOrg,
  deleteOrgRecords,
  randomAccountId,
  seedOffer,
  startTestApp,
  type TestApp,
} from '@cppo/platform/testing';
import { EntitlementView } from '@cppo/views';
import { AppModule } from '../app.module';
import { EntitlementEventsConsumer } from './entitlement-events.consumer';
import { DEAL, dealMessage, envelope, permutations, type DealStep } from './testing/deal';

const STEPS: DealStep[] = ['offer-released', 'created', 'license-updated', 'amended', 'ended'];

/**
 * One deal's five notifications in every one of their 120 orderings, each delivered twice (a redelivery
 * under another message id: AWS's own duplicates), each ordering in an org of its own: every ordering must
 * end in the same entitlement, links and history.
 */
describe('entitlement: the same deal in any order, duplicated, converges (Mongo provider)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp(AppModule, {
      MARKETPLACE_ENDPOINT: 'http://127.0.0.1:9', // no AWS here: the Agreement API stays due
      AWS_MAX_RETRIES: '0',
      ENTITLEMENT_SWEEP_MS: '3600000',
    });
  });

  afterAll(() => sut.close());

  async function play(
    order: DealStep[],
  ): Promise<{ view: EntitlementView; offerId: string; opportunityId: string }> {
    const { orgId } = await createTestOrg(sut.app, randomAccountId());
    const opportunity = await seedOffer(sut.app, {
      orgId,
      productId: DEAL.productId,
      resellerAccountId: DEAL.partner,
      marketplace: { resaleAuthorizationId: DEAL.resaleAuthorizationId },
      terms: {
        commitAmount: {
          amount: '1200.00',
          currency: 'USD',
          duration: 'P12M',
          grants: [{ dimensionKey: 'users', quantity: 10 }],
        },
        usageDimensionPrices: [{ dimensionKey: 'api_calls', price: '0.002' }],
      },
    });
    let offerId = '';
    const consumer = sut.app.get(EntitlementEventsConsumer);
    const deliver = async (step: DealStep) => {
      if (step === 'offer-released' && !offerId) {
        // offer-ingest stores the partner's offer before it publishes Offer Released
        offerId = (
          await seedOffer(sut.app, {
            orgId,
            type: OfferType.CPPO,
            awsOfferId: DEAL.awsOfferId,
            productId: DEAL.productId,
            resellerAccountId: DEAL.partner,
            cppoOutOfferId: opportunity._id,
          })
        )._id;
      }
      const { key, payload } = dealMessage(step, offerId);
      const handler = {
        'offer-released': consumer.offerReleased,
        created: consumer.created,
        'license-updated': consumer.licenseUpdated,
        amended: consumer.amended,
        ended: consumer.ended,
      }[step].bind(consumer) as (e: MessageEnvelope<never>) => Promise<unknown>;
      await handler(envelope(orgId, key, payload) as MessageEnvelope<never>);
    };
    for (const step of order) {
      await deliver(step);
      await deliver(step);
    }
    const entitlement = await sut.app.get(EntitlementRepository).findByAgreement(orgId, DEAL.agreementId);
    await deleteOrgRecords(sut.app, orgId);
    return { view: EntitlementView.from(entitlement!), offerId, opportunityId: opportunity._id };
  }

  /** What must be equal across orderings (ids and write times differ by construction). */
  function comparable(result: Awaited<ReturnType<typeof play>>) {
    const { id: _id, createdAt: _c, updatedAt: _u, offerId, opportunityId, link, ...rest } = result.view;
    return {
      ...rest,
      linkedToItsOffer: offerId === result.offerId,
      linkedToItsOpportunity: opportunityId === result.opportunityId,
      missing: link.missing,
    };
  }

  it('all 120 orderings, each notification twice, give one and the same entitlement', async () => {
    const orders = permutations(STEPS);
    expect(orders).toHaveLength(120);
    const results: ReturnType<typeof comparable>[] = [];
    for (let i = 0; i < orders.length; i += 8) {
      results.push(
        ...(await Promise.all(orders.slice(i, i + 8).map(async (o) => comparable(await play(o))))),
      );
    }
    const reference = results[0];
    expect(reference).toMatchObject({
      type: 'CPPO',
      status: 'CANCELLED',
      agreementId: DEAL.agreementId,
      awsOfferId: DEAL.awsOfferId,
      resaleAuthorizationId: DEAL.resaleAuthorizationId,
      buyerAccountId: DEAL.buyer,
      resellerAccountId: DEAL.partner,
      productId: DEAL.productId,
      licenseArn: DEAL.licenseArn,
      startTime: '2026-11-30T10:00:00.000Z',
      endTime: '2028-11-30T10:00:00.000Z', // the amendment's, the newest
      grants: [{ dimensionKey: 'users', quantity: 10 }],
      wholesalePrices: [{ dimensionKey: 'api_calls', price: '0.002' }],
      linkedToItsOffer: true,
      linkedToItsOpportunity: true,
      missing: [],
      history: [
        expect.objectContaining({ status: 'ACTIVE', at: '2026-11-30T10:00:00.000Z', eventId: 'evt-created' }),
        expect.objectContaining({
          status: 'CANCELLED',
          at: '2026-11-30T10:02:00.000Z',
          eventId: 'evt-ended',
        }),
      ],
    });
    results.forEach((result, i) =>
      expect({ ordering: orders[i], ...result }).toEqual({ ordering: orders[i], ...reference }),
    );
  }, 240_000);

  it('keeps an entitlement whose offer and opportunity are unknown, lists it with why and since when, and links it when they arrive', async () => {
    const { orgId, apiKey } = await createTestOrg(sut.app, randomAccountId());
    const consumer = sut.app.get(EntitlementEventsConsumer);
    const created = dealMessage('created', '');
    await consumer.created(envelope(orgId, created.key, created.payload) as MessageEnvelope<never>);

    const unlinked = await sut.request('/v1/reconciliation/unlinked', { apiKey });
    expect(unlinked.body.items).toEqual([
      expect.objectContaining({
        kind: 'entitlement',
        agreementId: DEAL.agreementId,
        missing: ['offer', 'opportunity'],
        reason: expect.stringContaining(`resale authorization ${DEAL.resaleAuthorizationId}`),
        since: expect.stringMatching(/^\d{4}-/),
      }),
    ]);

    // The opportunity is published, then the partner's offer arrives: linked at once, nothing left open.
    const opportunity = await seedOffer(sut.app, {
      orgId,
      productId: DEAL.productId,
      marketplace: { resaleAuthorizationId: DEAL.resaleAuthorizationId },
    });
    const offer = await seedOffer(sut.app, {
      orgId,
      type: OfferType.CPPO,
      awsOfferId: DEAL.awsOfferId,
      productId: DEAL.productId,
      cppoOutOfferId: opportunity._id,
    });
    const released = dealMessage('offer-released', offer._id);
    await consumer.offerReleased(envelope(orgId, released.key, released.payload) as MessageEnvelope<never>);
    expect((await sut.request('/v1/reconciliation/unlinked', { apiKey })).body.items).toEqual([]);
    const listed = await sut.request(`/v1/entitlements?opportunityId=${opportunity._id}`, { apiKey });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ offerId: offer._id, opportunityId: opportunity._id, link: { missing: [] } }),
    ]);
  });
});
