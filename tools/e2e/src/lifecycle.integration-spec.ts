import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { PARTNER, startWebhookReceiver, waitFor, type WebhookReceiver } from '@cppo/testing';
import { startStack, type Stack } from './testing/stack';

const HOUR = 3_600_000;
const PARTNER_Y = '777788889999';

/**
 * After the buyer accepts (AWS's 2025–26 agreement lifecycle), through the running services, the simulator
 * playing the partner and the buyer, and a webhook receiver: cancellation requests, refunds, replacements,
 * partner switches and offer sets.
 */
describe('the agreement lifecycle end to end', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  let secret: string;
  let ra: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stack = await startStack();
    const endpoint = await stack.call('webhooks', '/v1/webhooks/endpoints', {
      json: { url: `${receiver.url}/hooks`, eventTypes: ['entitlement.*'] },
    });
    secret = endpoint.body.secret;
    ra = (await stack.activeOpportunity('Lifecycle via Partner X')).marketplace.resaleAuthorizationId;
  }, 150_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  const sim = (method: string, path: string, body?: unknown) => stack.sim.scenario(method, path, body);

  async function deal(buyer: string, extra: Record<string, unknown> = {}, raId = ra, partner = PARTNER) {
    const offer = await sim('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: raId,
      partnerAccountId: partner,
      buyerAccountIds: [buyer],
      ...(extra['replacesAgreementId'] ? { replacesAgreementId: extra['replacesAgreementId'] } : {}),
    });
    expect(offer.status).toBe(200);
    const accepted = await sim('POST', '/_sim/buyer/accept', {
      offerId: offer.body.id,
      buyerAccountId: buyer,
      ...extra,
    });
    expect(accepted.status).toBe(200);
    return accepted.body as { id: string; licenseArn: string; startTime: string };
  }

  const entitlementOf = (agreementId: string, until: (e: any) => boolean, what: string) =>
    waitFor(
      async () => {
        const { body } = await stack.call('entitlement', '/v1/entitlements?limit=200');
        const found = body.items.find((e: any) => e.agreementId === agreementId);
        return found && until(found) ? found : undefined;
      },
      { timeoutMs: 20_000, what },
    );

  const hooks = (type: string, agreementId: string) =>
    receiver.received
      .filter((r) => r.path === '/hooks')
      .map((r) => new Webhook(secret).verify(r.body, r.headers) as { type: string; data: any })
      .filter((event) => event.type === type && event.data.agreementId === agreementId);

  const usage = (records: { entitlementId: string; timestamp: string; quantity?: number }[]) =>
    stack.call('metering', '/v1/usage-records', {
      json: {
        records: records.map((r) => ({
          dimension: 'api_calls',
          quantity: r.quantity ?? 1500,
          idempotencyKey: randomUUID(),
          ...r,
        })),
      },
    });

  it('a cancellation request: PENDING_CANCELLATION + webhook; rejected → ACTIVE; approved → CANCELLED; usage after the end refused', async () => {
    // Played hours ago on the simulator's clock, so that the end lies in the past.
    const clock = (hoursAgo: number) =>
      sim('PUT', '/_sim/config', { now: new Date(Date.now() - hoursAgo * HOUR).toISOString() });
    let agreement: Awaited<ReturnType<typeof deal>>;
    try {
      await clock(6);
      agreement = await deal('555566667777');
      await entitlementOf(agreement.id, (e) => e.status === 'ACTIVE', 'the entitlement ACTIVE');
      await clock(5);
      const first = await sim('POST', `/_sim/agreements/${agreement.id}/cancellation-requests`, {
        reasonCode: 'INCORRECT_TERMS_ACCEPTED',
        description: 'wrong seats',
      });
      expect(first.status).toBe(200);
      const pending = await entitlementOf(
        agreement.id,
        (e) => e.status === 'PENDING_CANCELLATION',
        'pending',
      );
      expect(pending.cancellation).toMatchObject({
        requestId: first.body.id,
        reasonCode: 'INCORRECT_TERMS_ACCEPTED',
        status: 'PENDING_APPROVAL',
      });
      await waitFor(
        () => (hooks('entitlement.cancellation_requested', agreement.id).length ? true : undefined),
        {
          what: 'entitlement.cancellation_requested',
        },
      );
      // a request by someone other than the seller of record is refused by AWS
      expect(
        (
          await sim('POST', `/_sim/agreements/${agreement.id}/cancellation-requests`, {
            reasonCode: 'OTHER',
            partnerAccountId: PARTNER_Y,
          })
        ).status,
      ).toBe(403);

      await clock(4);
      await sim('POST', `/_sim/cancellation-requests/${first.body.id}/reject`, {});
      const back = await entitlementOf(
        agreement.id,
        (e) => e.status === 'ACTIVE' && e.cancellation?.status === 'REJECTED',
        'back to ACTIVE',
      );
      expect(back.history.map((h: any) => h.status)).toEqual(['ACTIVE', 'PENDING_CANCELLATION', 'ACTIVE']);
      expect(back.history.every((h: any) => typeof h.eventId === 'string')).toBe(true);

      await clock(3.5);
      const second = await sim('POST', `/_sim/agreements/${agreement.id}/cancellation-requests`, {
        reasonCode: 'BUYER_DISSATISFACTION',
      });
      await clock(3);
      await sim('POST', `/_sim/cancellation-requests/${second.body.id}/approve`, {});
    } finally {
      await sim('PUT', '/_sim/config', { now: null });
    }
    const cancelled = await entitlementOf(
      agreement.id,
      (e) => e.status === 'CANCELLED' && e.cancellation?.status === 'APPROVED',
      'CANCELLED by the approval',
    );
    expect(cancelled.cancellation).toMatchObject({ reasonCode: 'BUYER_DISSATISFACTION', status: 'APPROVED' });
    await waitFor(
      () => (hooks('entitlement.cancellation_resolved', agreement.id).length >= 2 ? true : undefined),
      {
        what: 'two entitlement.cancellation_resolved',
      },
    );

    const endedAt = Date.parse(cancelled.history.at(-1).at);
    const results = await usage([
      { entitlementId: cancelled.id, timestamp: new Date(endedAt - 2 * HOUR).toISOString() },
      { entitlementId: cancelled.id, timestamp: new Date(endedAt + HOUR + 60_000).toISOString() },
    ]);
    expect(results.body.results[0].status).toBe('accepted');
    expect(results.body.results[1]).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/ended at/),
    });
  }, 90_000);

  it('AWS approves a request the buyer leaves unanswered for 7 days (the simulator clock)', async () => {
    const agreement = await deal('666677778888');
    await entitlementOf(agreement.id, (e) => e.status === 'ACTIVE', 'ACTIVE');
    await sim('POST', `/_sim/agreements/${agreement.id}/cancellation-requests`, {
      reasonCode: 'TEST_AGREEMENT',
    });
    await entitlementOf(agreement.id, (e) => e.status === 'PENDING_CANCELLATION', 'pending');
    try {
      await sim('PUT', '/_sim/config', { now: new Date(Date.now() + 6 * 86_400_000).toISOString() });
      const early = await sim('GET', '/_sim/cancellation-requests');
      expect(early.body.find((r: any) => r.agreementId === agreement.id).statusCode).toBe('PENDING_APPROVAL');
      await sim('PUT', '/_sim/config', { now: new Date(Date.now() + 7 * 86_400_000 + 60_000).toISOString() });
    } finally {
      await sim('PUT', '/_sim/config', { now: null });
    }
    const cancelled = await entitlementOf(
      agreement.id,
      (e) => e.status === 'CANCELLED' && e.cancellation?.status === 'APPROVED',
      'CANCELLED by auto-approval',
    );
    expect(cancelled.cancellation.status).toBe('APPROVED');
  }, 60_000);

  it("a cancellation's events shuffled, each delivered twice, end in the same state and history as in order", async () => {
    const inOrder = await deal('555566667777');
    const shuffled = await deal('555566667777');
    for (const a of [inOrder, shuffled]) await entitlementOf(a.id, (e) => e.status === 'ACTIVE', 'ACTIVE');
    const play = async (agreementId: string, delivery?: unknown) => {
      const request = await sim('POST', `/_sim/agreements/${agreementId}/cancellation-requests`, {
        reasonCode: 'REPLACING_AGREEMENT',
        delivery,
      });
      await sim('POST', `/_sim/cancellation-requests/${request.body.id}/approve`, { delivery });
    };
    await play(inOrder.id);
    await play(shuffled.id, { hold: true, duplicate: 1 });
    await sim('POST', '/_sim/events/release', { order: 'shuffled' });
    // offer-ingest works a batch concurrently: wait until all three events are applied to each
    const applied = (e: any) =>
      e.cancellation?.status === 'APPROVED' &&
      e.history.some((h: any) => h.status === 'PENDING_CANCELLATION') &&
      e.history.some((h: any) => h.status === 'CANCELLED');
    const a = await entitlementOf(inOrder.id, applied, 'in order: pending, approved, ended');
    const b = await entitlementOf(shuffled.id, applied, 'shuffled: pending, approved, ended');
    // the transitions (a licence read after the end may add a quantities line to either, when it happens)
    const shape = (e: any) =>
      e.history
        .filter((h: any) => !/^licence entitlements changed/.test(h.reason ?? ''))
        .map((h: any) => [h.status, h.reason.replace(/acr-\w+/g, 'acr')]);
    expect(shape(b)).toEqual(shape(a));
  }, 60_000);

  it('a replacement CPPO: each hour of usage reported once, on the licence in force; old REPLACED, both linked', async () => {
    const now = Date.now();
    const hour = (n: number) => Math.floor(now / HOUR) * HOUR - n * HOUR; // the start of the hour n hours ago
    const old = await deal('444455556666', { startTime: new Date(hour(5)).toISOString() });
    const oldEntitlement = await entitlementOf(
      old.id,
      (e) => e.status === 'ACTIVE' && e.licenseArn,
      'old ACTIVE',
    );
    // the partner replaces it; the new one starts half-way through the hour 2 hours ago
    const switchAt = hour(2) + HOUR / 2;
    expect(
      (
        await sim('POST', '/_sim/partner/offers', {
          resaleAuthorizationId: ra,
          partnerAccountId: PARTNER_Y,
          buyerAccountIds: ['444455556666'],
          replacesAgreementId: old.id,
        })
      ).status,
    ).toBe(403);
    const replacement = await deal('444455556666', {
      replacesAgreementId: old.id,
      startTime: new Date(switchAt).toISOString(),
    });
    const next = await entitlementOf(
      replacement.id,
      (e) => e.status === 'ACTIVE' && e.licenseArn && e.previousEntitlementId,
      'replacement linked',
    );
    const previous = await entitlementOf(
      old.id,
      (e) => e.status === 'REPLACED' && e.nextEntitlementId,
      'old REPLACED',
    );
    expect(previous.nextEntitlementId).toBe(next.id);
    expect(next.previousEntitlementId).toBe(oldEntitlement.id);
    expect(next.chain).toMatchObject({ kind: 'REPLACEMENT', relatedEntitlementId: oldEntitlement.id });
    await waitFor(() => (hooks('entitlement.replaced', old.id).length ? true : undefined), {
      what: 'entitlement.replaced',
    });

    // The application sends usage every 20 minutes to the entitlement it knows in force then.
    const records: { entitlementId: string; timestamp: string }[] = [];
    for (let t = hour(5) + 5 * 60_000; t < hour(0); t += 20 * 60_000)
      records.push({
        entitlementId: t < switchAt ? oldEntitlement.id : next.id,
        timestamp: new Date(t).toISOString(),
      });
    // AWS refuses a licence's usage once an hour has passed since its agreement ended: the reports go out
    // as the hourly close sends them, half an hour after the switch (the simulator's clock).
    await sim('PUT', '/_sim/config', { now: new Date(switchAt + HOUR / 2).toISOString() });
    const sent = await usage(records);
    expect(sent.body.results.map((r: any) => r.status)).toEqual(records.map(() => 'accepted'));
    // the old one refuses usage after the switch, naming its successor
    const late = await usage([
      { entitlementId: oldEntitlement.id, timestamp: new Date(switchAt + 60_000).toISOString() },
    ]);
    expect(late.body.results[0]).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining(next.id),
    });

    const reported = await waitFor(
      async () => {
        const { body } = await sim('GET', '/_sim/metering-records');
        const ours = body.filter((r: any) => [old.licenseArn, replacement.licenseArn].includes(r.licenseArn));
        return ours.length >= 5 ? ours : undefined;
      },
      { timeoutMs: 30_000, what: 'five hours reported' },
    ).finally(() => sim('PUT', '/_sim/config', { now: null }));
    const byHour = new Map<string, any[]>();
    for (const r of reported) byHour.set(r.hour, [...(byHour.get(r.hour) ?? []), r]);
    expect([...byHour.keys()].sort()).toEqual([5, 4, 3, 2, 1].map((n) => new Date(hour(n)).toISOString()));
    for (const [at, rs] of byHour) {
      expect(rs).toHaveLength(1); // never both licences for one hour
      const expected = Date.parse(at) < hour(2) ? old.licenseArn : replacement.licenseArn;
      expect(rs[0].licenseArn).toBe(expected);
    }
    // the switch hour is on the new licence, stamped at its start, with the whole hour's usage (3 records)
    const switchHour = byHour.get(new Date(hour(2)).toISOString())![0];
    expect(Date.parse(switchHour.timestamp)).toBe(switchAt);
    expect(switchHour.quantity).toBe(3 * 1500);
  }, 120_000);

  it('a billing adjustment: a history line without an amount; one beyond the invoice fails', async () => {
    const agreement = await deal('666677778888');
    await entitlementOf(agreement.id, (e) => e.status === 'ACTIVE', 'ACTIVE');
    const adjusted = await sim('POST', `/_sim/agreements/${agreement.id}/billing-adjustments`, {
      adjustments: [
        { adjustmentAmount: '100.00', adjustmentReasonCode: 'INCORRECT_PRICING' },
        { adjustmentAmount: '99999.00' },
      ],
    });
    expect(adjusted.body.map((b: any) => b.statusCode)).toEqual(['COMPLETED', 'FAILED']);
    expect(
      (
        await sim('POST', `/_sim/agreements/${agreement.id}/billing-adjustments`, {
          adjustments: Array(6).fill({ adjustmentAmount: '1.00' }),
        })
      ).status,
    ).toBe(400);
    const e = await entitlementOf(
      agreement.id,
      (x) => x.history.filter((h: any) => /billing adjustment/.test(h.reason ?? '')).length === 2,
      'two adjustment lines',
    );
    const lines = e.history.filter((h: any) => /billing adjustment/.test(h.reason));
    expect(lines.map((h: any) => h.reason)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`${adjusted.body[0].id} completed, reason INCORRECT_PRICING`)),
        expect.stringMatching(new RegExp(`${adjusted.body[1].id} failed`)),
      ]),
    );
    expect(JSON.stringify(e)).not.toContain('100.00');
    expect(e.status).toBe('ACTIVE');
    await waitFor(() => (hooks('entitlement.adjusted', agreement.id).length === 1 ? true : undefined), {
      what: 'one entitlement.adjusted (the completed one)',
    });
  }, 60_000);

  it("another partner's offer for the same buyer is a new chain; an offer set groups its entitlements", async () => {
    const other = await stack.call('opportunity', '/v1/opportunities', {
      json: {
        name: 'Lifecycle via Partner Y',
        productId: 'prod-acmeanalytics01',
        resellerAccountId: PARTNER_Y,
        commitAmount: {
          amount: '1200.00',
          currency: 'USD',
          duration: 'P12M',
          grants: [{ dimensionKey: 'users', quantity: 10 }],
        },
      },
    });
    const raY = (
      await waitFor(
        async () => {
          const { body } = await stack.call('opportunity', `/v1/opportunities/${other.body.id}`);
          return body.status === 'ACTIVE' ? body : undefined;
        },
        { timeoutMs: 20_000, what: 'Partner Y opportunity ACTIVE' },
      )
    ).marketplace.resaleAuthorizationId;
    const buyer = '444455556666';
    const first = await deal(buyer, { startTime: new Date(Date.now() - 2 * HOUR).toISOString() });
    await entitlementOf(first.id, (e) => e.status === 'ACTIVE', 'first');
    const switched = await deal(buyer, {}, raY, PARTNER_Y);
    const e = await entitlementOf(switched.id, (x) => x.chain, 'the new chain');
    expect(e.chain).toMatchObject({ kind: 'PARTNER_SWITCH', reason: expect.stringMatching(/new chain/) });
    expect(e.previousEntitlementId).toBeUndefined();

    const second = await stack.activeOpportunity('Lifecycle set part 2');
    const set = await sim('POST', '/_sim/partner/offer-sets', {
      name: 'Acme bundle',
      offers: [ra, second.marketplace.resaleAuthorizationId].map((id) => ({
        resaleAuthorizationId: id,
        partnerAccountId: PARTNER,
        buyerAccountIds: ['555566667777'],
      })),
    });
    expect(set.status).toBe(200);
    for (const offer of set.body.offers)
      await sim('POST', '/_sim/buyer/accept', { offerId: offer.id, buyerAccountId: '555566667777' });
    const grouped = await waitFor(
      async () => {
        const { body } = await stack.call('entitlement', `/v1/entitlements?offerSetId=${set.body.id}`);
        return body.items.length === 2 ? body.items : undefined;
      },
      { timeoutMs: 20_000, what: 'two entitlements in the offer set' },
    );
    expect(grouped.every((x: any) => x.offerSetId === set.body.id)).toBe(true);
    expect((await sim('POST', '/_sim/partner/offer-sets', { offers: [set.body.offers[0]] })).status).toBe(
      400,
    );
  }, 120_000);

  it("a renewal opportunity (buyers required): the partner's accepted offer links to the buyer's agreement it renews", async () => {
    const buyer = '666677778888';
    const earlier = await deal(buyer, { startTime: new Date(Date.now() - 3 * HOUR).toISOString() });
    const earlierEntitlement = await entitlementOf(
      earlier.id,
      (e) => e.status === 'ACTIVE',
      'earlier ACTIVE',
    );
    const created = await stack.call('opportunity', '/v1/opportunities', {
      json: {
        name: 'Lifecycle renewal of Buyer Three',
        productId: 'prod-acmeanalytics01',
        resellerAccountId: PARTNER,
        buyerAccountIds: [buyer],
        renewal: { acquisitionChannel: 'AwsMarketplace', pricingModel: 'Contract' },
        commitAmount: {
          amount: '1200.00',
          currency: 'USD',
          duration: 'P12M',
          grants: [{ dimensionKey: 'users', quantity: 10 }],
        },
      },
    });
    expect(created.status).toBe(202);
    const renewal = await waitFor(
      async () => {
        const { body } = await stack.call('opportunity', `/v1/opportunities/${created.body.id}`);
        return body.status === 'ACTIVE' ? body : undefined;
      },
      { timeoutMs: 20_000, what: 'the renewal opportunity ACTIVE' },
    );
    const renewed = await deal(buyer, {}, renewal.marketplace.resaleAuthorizationId);
    const next = await entitlementOf(renewed.id, (e) => e.chain, 'the renewal linked');
    expect(next.chain).toMatchObject({ kind: 'RENEWAL', relatedEntitlementId: earlierEntitlement.id });
    expect(next.previousEntitlementId).toBe(earlierEntitlement.id);
    const before = await entitlementOf(
      earlier.id,
      (e) => e.nextEntitlementId,
      'the earlier one linked forward',
    );
    expect(before.nextEntitlementId).toBe(next.id);
  }, 60_000);
});
