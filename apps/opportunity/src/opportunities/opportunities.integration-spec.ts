import { DescribeEntityCommand } from '@aws-sdk/client-marketplace-catalog';
import { OfferStatus, RoutingKeys, type MessageEnvelope } from '@cppo/contracts';
import { createCatalogClient } from '@cppo/marketplace';
import { createAmqpConnection, EventPublisher } from '@cppo/messaging';
import { AuditEventRepository } from '@cppo/persistence';
import { createTestOrg, startTestApp, type TestApp } from '@cppo/platform/testing';
import {
  deleteTopology,
  startMarketplaceSim,
  tapExchange,
  waitFor,
  type RunningSimulator,
} from '@cppo/testing';
import { AppModule } from '../app.module';
import { ExpiryJob } from '../expiry/expiry.job';
import {
  BUYER,
  daysFromNow,
  fullOpportunity,
  ISV,
  minimalOpportunity,
  PARTNER,
  PRODUCT,
} from '@cppo/testing';
import { OPPORTUNITY_SUBSCRIPTIONS } from '../change-sets/change-set-events.consumer';

const env = (sim: RunningSimulator, extra: Record<string, string> = {}) => ({
  MARKETPLACE_ENDPOINT: sim.url,
  AWS_ACCESS_KEY_ID: ISV,
  AWS_SECRET_ACCESS_KEY: 'test',
  CHANGE_SET_TICK_MS: '100',
  CHANGE_SET_POLL_INITIAL_MS: '200',
  CHANGE_SET_POLL_MAX_MS: '1000',
  AWS_RETRY_MIN_MS: '10',
  EXPIRY_CHECK_MS: '3600000',
  ...extra,
});

const full = fullOpportunity();
/** Each breaks one rule; the message that must name it. */
const INVALID_BODIES: [Record<string, unknown>, RegExp][] = [
  [{ ...full, resellerAccountId: '1234' }, /resellerAccountId must be a 12-digit AWS account id/],
  [{ ...full, buyerAccountIds: ['12'] }, /buyerAccountIds must be a 12-digit AWS account id/],
  [
    { ...full, buyerAccountIds: Array.from({ length: 26 }, (_, i) => String(100000000000 + i)) },
    /buyerAccountIds must contain no more than 25 elements/,
  ],
  [{ ...full, buyerAccountIds: [BUYER, BUYER] }, /buyerAccountIds must not contain duplicates/],
  [{ ...full, buyerAccountIds: [] }, /buyerAccountIds: a renewal requires at least one buyer/],
  [
    { ...full, commitAmount: { ...(full['commitAmount'] as object), amount: '-5' } },
    /commitAmount.amount: amount must be a non-negative decimal/,
  ],
  [
    { ...full, commitAmount: { ...(full['commitAmount'] as object), amount: '1.1234567' } },
    /commitAmount.amount: amount must be a non-negative decimal string with at most 6 decimals/,
  ],
  [
    {
      ...full,
      usageDimensionPrices: [
        { dimensionKey: 'api_calls', price: '0.123456789' },
        { dimensionKey: 'storage_gb', price: '1' },
      ],
    },
    /usageDimensionPrices.0.price: price must be a non-negative decimal string with at most 8 decimals/,
  ],
  [
    { ...full, commitAmount: { ...(full['commitAmount'] as object), currency: 'CHF' } },
    /commitAmount.currency: currency must be one of the following values: USD, AUD, EUR, GBP, JPY/,
  ],
  [{ ...full, expiryDate: daysFromNow(-1) }, /expiryDate must be in the future/],
  [{ ...full, eula: { type: 'CUSTOM' } }, /eula.url: url must be an https URL/],
  [
    { ...full, eula: { type: 'CUSTOM', url: 'http://insecure.example.com/eula' } },
    /eula.url: url must be an https URL/,
  ],
  [
    {
      ...full,
      installments: Array.from({ length: 61 }, (_, i) => ({
        chargeDate: daysFromNow(30 + i),
        amount: '1',
      })),
    },
    /installments must contain no more than 60 elements/,
  ],
  [{ ...full, singleUse: false }, /installments require singleUse: true/],
  [
    { ...full, installments: [{ chargeDate: daysFromNow(10), amount: '12000.00' }] },
    /installments.0.chargeDate must be after expiryDate/,
  ],
  [{ ...full, commitAmount: undefined }, /installments require commitAmount/],
  [
    {
      ...full,
      installments: [
        { chargeDate: daysFromNow(40), amount: '6000.00' },
        { chargeDate: daysFromNow(40), amount: '6000.00' },
      ],
    },
    /chargeDate .* appears more than once/,
  ],
  [
    { ...full, usageDimensionPrices: [{ dimensionKey: 'api_calls', price: '0.002' }] },
    /usageDimensionPrices: a price is required for every metered dimension; missing storage_gb/,
  ],
  [
    {
      ...full,
      usageDimensionPrices: [
        ...(full['usageDimensionPrices'] as object[]),
        { dimensionKey: 'users', price: '1' },
      ],
    },
    /usageDimensionPrices: users is not a metered dimension/,
  ],
  [
    {
      ...full,
      commitAmount: {
        ...(full['commitAmount'] as object),
        grants: [{ dimensionKey: 'api_calls', quantity: 1 }],
      },
    },
    /commitAmount.grants: api_calls is not an entitled dimension/,
  ],
  [{ ...full, name: 'Acme <script>' }, /name may contain letters, digits, spaces/],
  [{ ...full, colour: 'red' }, /property colour should not exist/],
  [{ ...full, name: { $ne: '' } }, /name.\$ne: keys starting with \$ are not allowed/],
];

describe('opportunity service against the marketplace simulator (real Catalog SDK)', () => {
  let sim: RunningSimulator;
  let sut: TestApp;
  let org: { orgId: string; apiKey: string };
  let other: { orgId: string; apiKey: string };
  const catalog = () =>
    createCatalogClient({
      endpoint: sim.url,
      credentials: { accessKeyId: ISV, secretAccessKey: 'x' },
      maxAttempts: 1,
    });

  beforeAll(async () => {
    sim = await startMarketplaceSim({ changeSetDelayMs: 150 });
    sut = await startTestApp(AppModule, env(sim));
    org = await createTestOrg(sut.app, ISV);
    other = await createTestOrg(sut.app, '210987654321');
  });

  afterAll(async () => {
    await sut.close();
    await sim.stop();
  });

  beforeEach(() => sim.scenario('DELETE', '/_sim/faults'));

  const post = (body: unknown, headers: Record<string, string> = {}, apiKey = org.apiKey) =>
    sut.request('/v1/opportunities', { method: 'POST', apiKey, json: body, headers });
  const get = (id: string, apiKey = org.apiKey) => sut.request(`/v1/opportunities/${id}`, { apiKey });
  const settled = (id: string, statuses: string[] = ['ACTIVE', 'FAILED']) =>
    waitFor(
      async () => {
        const { body } = await get(id);
        return statuses.includes(body.status) ? body : undefined;
      },
      { timeoutMs: 20_000, what: `opportunity ${id} to reach ${statuses.join('/')}` },
    );
  const calls = async (op: string) => ((await sim.scenario('GET', '/_sim/calls')).body[op] ?? 0) as number;

  it('publishes an opportunity using every field; AWS shows each value exactly', async () => {
    const body = fullOpportunity();
    const created = await post(body);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ type: 'CPPO_OUT', status: 'PENDING', name: body['name'] });

    const active = await settled(created.body.id, ['ACTIVE']);
    const raId = active.marketplace.resaleAuthorizationId;
    expect(raId).toMatch(/^resaleauthz-/);
    const entity = await catalog().send(
      new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: raId }),
    );
    const d = entity.DetailsDocument as any;
    expect(d).toMatchObject({
      Name: 'Acme via Partner X FY27',
      Description: 'Renewal of Buyer One through Partner X',
      ProductId: PRODUCT,
      Status: 'Active',
      PreExistingBuyerAgreement: { AcquisitionChannel: 'AwsMarketplace', PricingModel: 'Contract' },
      PricingModel: 'Contract',
    });
    const term = (type: string) => d.Terms.find((t: { Type: string }) => t.Type === type);
    expect(
      term('BuyerTargetingTerm').PositiveTargeting.BuyerAccounts.map(
        (b: { AwsAccountId: string }) => b.AwsAccountId,
      ),
    ).toEqual([BUYER, '555566667777']);
    expect(term('ResaleFixedUpfrontPricingTerm')).toMatchObject({
      CurrencyCode: 'USD',
      Duration: 'P12M',
      Price: '0.00',
      Grants: [
        { DimensionKey: 'users', MaxQuantity: 100 },
        { DimensionKey: 'admins', MaxQuantity: 5 },
      ],
    });
    expect(term('ResaleUsageBasedPricingTerm').RateCards).toEqual([
      {
        RateCard: [
          { DimensionKey: 'api_calls', Price: '0.002' },
          { DimensionKey: 'storage_gb', Price: '0.10000001' },
        ],
      },
    ]);
    const installments = body['installments'] as { chargeDate: string; amount: string }[];
    expect(term('ResalePaymentScheduleTerm')).toMatchObject({
      CurrencyCode: 'USD',
      Schedule: installments.map((i) => ({ ChargeDate: i.chargeDate, ChargeAmount: i.amount })),
    });
    expect(term('BuyerLegalTerm').Documents).toEqual([
      { Type: 'CustomEula', Url: 'https://legal.example.com/acme-eula.pdf' },
    ]);
    expect(term('ResaleLegalTerm').Documents).toEqual([
      { Type: 'CustomResellerContract', Url: 'https://legal.example.com/acme-reseller.pdf' },
    ]);
    expect(d.Rules).toContainEqual(
      expect.objectContaining({
        Type: 'AvailabilityRule',
        AvailabilityEndDate: `${body['expiryDate']}T23:59:59Z`,
        OffersMaxQuantity: 1,
      }),
    );
    expect(d.Rules).toContainEqual(
      expect.objectContaining({ Type: 'PartnerTargetingRule', ResellerAccountId: PARTNER }),
    );
  });

  describe('an invalid body is a 400 naming the field, and nothing reaches AWS', () => {
    let before: number;
    beforeAll(async () => {
      before = await calls('StartChangeSet');
    });

    it.each(INVALID_BODIES.map(([body, message]) => [message.source, body, message] as const))(
      '%s',
      async (_name, body, message) => {
        const response = await post(body);
        expect({ message: response.body.message, status: response.status }).toEqual({
          status: 400,
          message: expect.arrayContaining([expect.stringMatching(message)]),
        });
      },
    );

    it("answers 404 for a product that is not one of the org's, like any record not its own", async () => {
      for (const productId of ['prod-doesnotexist', 'prod-othervendor001']) {
        const response = await post({ ...full, productId });
        expect(response.status).toBe(404);
        expect(response.body.message).toContain(`product ${productId} not found`);
      }
    });

    it('submitted no change set for any of them', async () => {
      expect(INVALID_BODIES.length).toBeGreaterThanOrEqual(15);
      // A marker: a valid opportunity created after them; the publisher works in creation order.
      const marker = await post(minimalOpportunity('After the invalid ones'));
      await waitFor(async () => (await get(marker.body.id)).body.marketplace.changeSetId);
      expect(await calls('StartChangeSet')).toBe(before + 1);
    });
  });

  it('shows AWS’s asynchronous failure code on the opportunity', async () => {
    const created = await post({ ...minimalOpportunity(), resellerAccountId: '999999999999' });
    const failed = await settled(created.body.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.marketplace.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_RESELLER_ACCOUNT', changeName: 'CreateResaleAuthorization' }),
    ]);
    expect(failed.marketplace.changeSetStatus).toBe('FAILED');
  });

  it('20 concurrent creates under throttling and 5xx on every second Catalog call: 20 ACTIVE, 20 authorizations', async () => {
    const before = (await sim.scenario<unknown[]>('GET', '/_sim/resale-authorizations')).body.length;
    await sim.scenario('PUT', '/_sim/faults', {
      rules: [
        { operation: 'StartChangeSet', type: 'throttle', every: 2 },
        { operation: 'DescribeChangeSet', type: '5xx', every: 2 },
        { operation: 'DescribeEntity', type: 'throttle', every: 2 },
      ],
    });
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(minimalOpportunity(`Concurrent ${i}`))),
    );
    expect(created.map((c) => c.status)).toEqual(Array(20).fill(202));
    const results = await Promise.all(created.map((c) => settled(c.body.id)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill('ACTIVE'));
    const after = (await sim.scenario<unknown[]>('GET', '/_sim/resale-authorizations')).body.length;
    expect(after - before).toBe(20);
    expect(new Set(results.map((r) => r.marketplace.resaleAuthorizationId)).size).toBe(20);
  }, 60_000);

  it('accepts Idempotency-Key: same key and body → same opportunity; different body → 409', async () => {
    const key = `create-${Date.now()}`;
    const first = await post(minimalOpportunity('Idempotent'), { 'idempotency-key': key });
    const again = await post(minimalOpportunity('Idempotent'), { 'idempotency-key': key });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    const conflict = await post(minimalOpportunity('Something else'), { 'idempotency-key': key });
    expect(conflict.status).toBe(409);
    const list = await sut.request('/v1/opportunities?limit=200', { apiKey: org.apiKey });
    expect(list.body.items.filter((o: { name: string }) => o.name === 'Idempotent')).toHaveLength(1);
  });

  it('restricts an ACTIVE opportunity (irreversibly), refuses otherwise; clones; serves the chain', async () => {
    const created = await post(minimalOpportunity('To restrict'));
    const pendingRestrict = await sut.request(`/v1/opportunities/${created.body.id}/restrict`, {
      method: 'POST',
      apiKey: org.apiKey,
    });
    expect(pendingRestrict.status).toBe(409);
    const active = await settled(created.body.id, ['ACTIVE']);

    const clone = await sut.request(`/v1/opportunities/${active.id}/clone`, {
      method: 'POST',
      apiKey: org.apiKey,
      json: { name: 'Cloned one', buyerAccountIds: [BUYER] },
    });
    expect(clone.status).toBe(202);
    expect(clone.body).toMatchObject({
      status: 'PENDING',
      name: 'Cloned one',
      buyerAccountIds: [BUYER],
      productId: PRODUCT,
    });
    expect(clone.body.id).not.toBe(active.id);
    expect((await settled(clone.body.id)).status).toBe('ACTIVE');
    for (const body of ['null', '"x"', '[1]']) {
      const refused = await sut.request(`/v1/opportunities/${active.id}/clone`, {
        method: 'POST',
        apiKey: org.apiKey,
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(refused).toMatchObject({ status: 400, body: { message: ['body must be a JSON object'] } });
    }
    const bare = await sut.request(`/v1/opportunities/${active.id}/clone`, {
      method: 'POST',
      apiKey: org.apiKey,
    });
    expect(bare.status).toBe(202);
    expect(bare.body).toMatchObject({ name: active.name, productId: PRODUCT });

    const restrict = await sut.request(`/v1/opportunities/${active.id}/restrict`, {
      method: 'POST',
      apiKey: org.apiKey,
    });
    expect(restrict.status).toBe(202);
    const restricted = await settled(active.id, ['RESTRICTED']);
    const entity = await catalog().send(
      new DescribeEntityCommand({
        Catalog: 'AWSMarketplace',
        EntityId: restricted.marketplace.resaleAuthorizationId,
      }),
    );
    expect((entity.DetailsDocument as { Status: string }).Status).toBe('Restricted');
    expect(
      (await sut.request(`/v1/opportunities/${active.id}/restrict`, { method: 'POST', apiKey: org.apiKey }))
        .status,
    ).toBe(409);

    const chain = await sut.request(`/v1/opportunities/${active.id}/chain`, { apiKey: org.apiKey });
    expect(chain.body).toEqual({
      opportunity: expect.objectContaining({ id: active.id, status: 'RESTRICTED' }),
      offers: [],
      entitlements: [],
    });
  });

  it('marks an ACTIVE opportunity past its expiry date EXPIRED', async () => {
    const created = await post({ ...minimalOpportunity('Expiring'), expiryDate: daysFromNow(2) });
    const active = await settled(created.body.id, ['ACTIVE']);
    // Three days pass: the expiry date is now behind.
    await sut.app.get(ExpiryJob).runOnce(new Date(Date.now() + 3 * 86_400_000));
    expect((await get(active.id)).body.status).toBe(OfferStatus.EXPIRED);
  });

  it('publishes a commit priced per unit as a configurable upfront term, which AWS accepts', async () => {
    const created = await post({
      ...minimalOpportunity('Per unit'),
      commitAmount: {
        amount: '1200.00',
        currency: 'USD',
        duration: 'P12M',
        grants: [{ dimensionKey: 'users', quantity: 10, unitPrice: '120.00' }],
      },
    });
    const active = await settled(created.body.id, ['ACTIVE']);
    const entity = await catalog().send(
      new DescribeEntityCommand({
        Catalog: 'AWSMarketplace',
        EntityId: active.marketplace.resaleAuthorizationId,
      }),
    );
    expect((entity.DetailsDocument as any).Terms).toContainEqual(
      expect.objectContaining({
        Type: 'ResaleConfigurableUpfrontPricingTerm',
        RateCards: [expect.objectContaining({ RateCard: [{ DimensionKey: 'users', Price: '120.00' }] })],
      }),
    );
  });

  it("shows AWS's word on the partner's use: a single-use opportunity is Completed-Used once an offer is made", async () => {
    const created = await post({ ...minimalOpportunity('Single use'), singleUse: true });
    const active = await settled(created.body.id, ['ACTIVE']);
    const offer = await sim.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: active.marketplace.resaleAuthorizationId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [BUYER],
    });
    expect(offer.status).toBe(200);
    await sut.app.get(ExpiryJob).runOnce(new Date(Date.now() + 3_600_000)); // the next reconciliation
    expect((await get(active.id)).body.marketplace).toMatchObject({
      offerExtendedStatus: 'Completed-Used',
      offerCreatedCount: 1,
    });
  });

  it('refuses null for an optional field with 400 naming it (found by the fuzzer: it was a 500)', async () => {
    const grants = [{ dimensionKey: 'users', quantity: 10, unitPrice: null }];
    const commitAmount = { ...(full['commitAmount'] as object), grants };
    for (const [body, field] of [
      [{ ...full, commitAmount }, 'commitAmount.grants.0.unitPrice'],
      [{ ...full, description: null }, 'description'],
      [{ ...full, eula: null }, 'eula'],
    ] as const) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.body.message.join('\n')).toContain(field.split('.').pop());
    }
  });

  it('keeps orgs apart', async () => {
    const created = await post(minimalOpportunity('Private'));
    expect((await get(created.body.id, other.apiKey)).status).toBe(404);
    expect(
      (
        await sut.request(`/v1/opportunities/${created.body.id}/restrict`, {
          method: 'POST',
          apiKey: other.apiKey,
        })
      ).status,
    ).toBe(404);
    expect(
      (await sut.request(`/v1/opportunities/${created.body.id}/chain`, { apiKey: other.apiKey })).status,
    ).toBe(404);
    const theirs = await sut.request('/v1/opportunities', { apiKey: other.apiKey });
    expect(theirs.body.items.map((o: { id: string }) => o.id)).not.toContain(created.body.id);
    expect(
      (
        await sut.request(
          `/v1/opportunities?status=PENDING&productId=${PRODUCT}&resellerAccountId=${PARTNER}`,
          { apiKey: org.apiKey },
        )
      ).status,
    ).toBe(200);
  });
});

describe('opportunity service: following change sets', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startMarketplaceSim({ changeSetDelayMs: 150 });
  });

  afterAll(() => sim.stop());

  it('reaches ACTIVE from the change-set notification alone (no polling)', async () => {
    const sut = await startTestApp(
      AppModule,
      env(sim, { CHANGE_SET_POLL_INITIAL_MS: '600000', CHANGE_SET_POLL_MAX_MS: '600000' }),
      [{ purpose: 'events', subscriptions: OPPORTUNITY_SUBSCRIPTIONS }],
    );
    const amqp = createAmqpConnection(sut.env['RABBITMQ_URL'], 'test.offer-ingest');
    const publisher = new EventPublisher(amqp, sut.env['RABBITMQ_EXCHANGE']);
    try {
      const org = await createTestOrg(sut.app, ISV);
      const created = await sut.request('/v1/opportunities', {
        method: 'POST',
        apiKey: org.apiKey,
        json: minimalOpportunity('Notified'),
      });
      const changeSetId = await waitFor(
        async () =>
          (await sut.request(`/v1/opportunities/${created.body.id}`, { apiKey: org.apiKey })).body.marketplace
            .changeSetId,
      );
      await waitFor(
        async () =>
          (await sim.scenario<{ id: string; status: string }[]>('GET', '/_sim/change-sets')).body.find(
            (c) => c.id === changeSetId && c.status === 'SUCCEEDED',
          ),
        { what: 'the simulated change set to succeed' },
      );
      expect(
        (await sut.request(`/v1/opportunities/${created.body.id}`, { apiKey: org.apiKey })).body.status,
      ).toBe('PENDING');
      await publisher.publish(
        RoutingKeys.ChangeSetSucceeded,
        { eventId: 'evt-1', changeSetId, status: 'SUCCEEDED' },
        { orgId: org.orgId },
      );
      await waitFor(
        async () =>
          (await sut.request(`/v1/opportunities/${created.body.id}`, { apiKey: org.apiKey })).body.status ===
          'ACTIVE',
        {
          what: 'ACTIVE from the notification',
        },
      );
      // offerCount follows cppo.offer.linked.v1, once per message even when redelivered
      const linked = await publisher.publish(
        RoutingKeys.OfferLinked,
        { offerId: 'off_x', awsOfferId: 'offer-x', opportunityId: created.body.id },
        { orgId: org.orgId },
      );
      await publisher.publishEnvelope(linked);
      // A marker after the redelivery: a second offer. Both counted, the redelivered one not again.
      await publisher.publish(
        RoutingKeys.OfferLinked,
        { offerId: 'off_y', awsOfferId: 'offer-y', opportunityId: created.body.id },
        { orgId: org.orgId },
      );
      const offerCount = async () =>
        (await sut.request(`/v1/opportunities/${created.body.id}`, { apiKey: org.apiKey })).body.offerCount;
      await waitFor(async () => (await offerCount()) >= 2, { what: 'both offers counted' });
      expect(await offerCount()).toBe(2);
    } finally {
      await publisher.close();
      await amqp.close();
      await sut.close();
      const prefix = sut.env['RABBITMQ_QUEUE_PREFIX'];
      await deleteTopology(sut.env['RABBITMQ_EXCHANGE'], [
        `${prefix}.events`,
        `${prefix}.events.retry`,
        `${prefix}.events.dlq`,
      ]);
    }
  });

  it('reaches ACTIVE by polling alone when notifications are withheld; publishes and audits each change', async () => {
    const sut = await startTestApp(AppModule, env(sim));
    const events: MessageEnvelope[] = [];
    const tap = await tapExchange(
      sut.env['RABBITMQ_EXCHANGE'],
      (envelope) => events.push(envelope),
      'cppo.opportunity.#',
    );
    try {
      const org = await createTestOrg(sut.app, ISV);
      const created = await sut.request('/v1/opportunities', {
        method: 'POST',
        apiKey: org.apiKey,
        json: minimalOpportunity('Polled'),
      });
      const active = await waitFor(async () => {
        const { body } = await sut.request(`/v1/opportunities/${created.body.id}`, { apiKey: org.apiKey });
        return body.status === 'ACTIVE' ? body : undefined;
      });
      expect(active.marketplace).toMatchObject({
        changeSetStatus: 'SUCCEEDED',
        resaleAuthorizationId: expect.stringMatching(/^resaleauthz-/),
      });
      expect((await sim.scenario('GET', '/_sim/calls')).body.DescribeChangeSet).toBeGreaterThan(0);

      await waitFor(() => events.length >= 2 || undefined, { what: 'created and published events' });
      expect(events.map((e) => [e.type, e.payload['status']])).toEqual([
        [RoutingKeys.OpportunityCreated, 'PENDING'],
        [RoutingKeys.OpportunityPublished, 'ACTIVE'],
      ]);
      expect(events[1]).toMatchObject({
        orgId: org.orgId,
        payload: {
          opportunityId: active.id,
          resaleAuthorizationId: active.marketplace.resaleAuthorizationId,
        },
      });
      // The audit entry is written just after the transition that published the event: wait for it.
      const audit = await waitFor(
        async () => {
          const entries = await sut.app.get(AuditEventRepository).listForEntity(org.orgId, active.id);
          return entries.length >= 2 ? entries : undefined;
        },
        { what: 'created and published audit entries' },
      );
      expect(audit.map((a) => a.action)).toEqual(['created', 'published']);
      expect(audit[0].actor).toMatch(/^apikey:key_/);
    } finally {
      await tap.close();
      await sut.close();
    }
  });

  it('an ACTIVE opportunity expiring gets one notice per threshold (30, 7, 1 days), as the days pass', async () => {
    const sut = await startTestApp(AppModule, env(sim));
    const events: MessageEnvelope[] = [];
    const tap = await tapExchange(
      sut.env['RABBITMQ_EXCHANGE'],
      (envelope) => events.push(envelope),
      RoutingKeys.OpportunityExpiring,
    );
    try {
      const org = await createTestOrg(sut.app, ISV);
      const created = await sut.request('/v1/opportunities', {
        method: 'POST',
        apiKey: org.apiKey,
        json: { ...minimalOpportunity('Expiring soon'), expiryDate: daysFromNow(20) },
      });
      await waitFor(async () => {
        const { body } = await sut.request(`/v1/opportunities/${created.body.id}`, { apiKey: org.apiKey });
        return body.status === 'ACTIVE' || undefined;
      });
      const job = sut.app.get(ExpiryJob);
      const day = (n: number) => new Date(Date.now() + n * 86_400_000);
      const notices = async (count: number) => {
        await waitFor(() => events.length >= count || undefined, { what: `${count} notices` });
        await new Promise((resolve) => setTimeout(resolve, 300)); // and no more
        return events.map((e) => [e.payload['threshold'], e.payload['daysLeft']]);
      };
      await job.runOnce(day(0)); // 20 days left: the 30-day notice
      await job.runOnce(day(0));
      expect(await notices(1)).toEqual([[30, 20]]);
      await job.runOnce(day(14)); // 6 days left
      await job.runOnce(day(15));
      expect(await notices(2)).toEqual([
        [30, 20],
        [7, 6],
      ]);
      await job.runOnce(day(19)); // the last day but one
      await job.runOnce(day(20)); // the last day: already noticed
      expect(await notices(3)).toEqual([
        [30, 20],
        [7, 6],
        [1, 1],
      ]);
      expect(events[2]).toMatchObject({
        orgId: org.orgId,
        payload: { opportunityId: created.body.id, status: 'ACTIVE', expiryDate: daysFromNow(20) },
      });
    } finally {
      await tap.close();
      await sut.close();
    }
  });
});

/** The simulator's second channel partner; the third account is no channel partner at all. */
const SECOND_PARTNER = '777788889999';
const NOT_A_PARTNER = '999900001111';

describe('POST /v1/opportunities/bulk: one set of terms, an authorization per partner (simulator)', () => {
  let sim: RunningSimulator;
  let sut: TestApp;
  let org: { orgId: string; apiKey: string };

  beforeAll(async () => {
    sim = await startMarketplaceSim({ changeSetDelayMs: 100 });
    sut = await startTestApp(AppModule, env(sim));
    org = await createTestOrg(sut.app, ISV);
  });

  afterAll(async () => {
    await sut.close();
    await sim.stop();
  });

  const call = (path: string, json?: unknown) =>
    sut.request(path, { method: json === undefined ? 'GET' : 'POST', apiKey: org.apiKey, json });
  const terms = () => {
    const { resellerAccountId: _r, ...rest } = minimalOpportunity('FY27 channel push');
    return rest;
  };

  it('each partner gets its own authorization; the one AWS refuses fails with its reason; sent again, nothing new', async () => {
    await call('/v1/partners', { name: 'Partner One', awsAccountId: PARTNER });
    const body = { terms: terms(), resellerAccountIds: [PARTNER, SECOND_PARTNER, NOT_A_PARTNER] };
    const started = await call('/v1/opportunities/bulk', body);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.stringMatching(/^bat_/), name: 'FY27 channel push' });
    expect(started.body.items.map((i: { resellerAccountId: string }) => i.resellerAccountId)).toEqual(
      body.resellerAccountIds,
    );
    expect(started.body.items[0].partnerName).toBe('Partner One');

    const done = await waitFor(
      async () => {
        const { body: batch } = await call(`/v1/opportunities/bulk/${started.body.id}`);
        return batch.status === 'DONE' ? batch : undefined;
      },
      { timeoutMs: 30_000, what: 'every opportunity of the batch settled' },
    );
    expect(done.counts).toEqual({ ACTIVE: 2, FAILED: 1 });
    const failed = done.items.find((i: { status: string }) => i.status === 'FAILED');
    expect(failed.resellerAccountId).toBe(NOT_A_PARTNER);
    expect(failed.errors.join(' ')).toContain('INVALID_RESELLER_ACCOUNT');

    // each is an ordinary opportunity for its partner
    const mine = await call(`/v1/opportunities/${done.items[1].opportunityId}`);
    expect(mine.body).toMatchObject({ resellerAccountId: SECOND_PARTNER, status: 'ACTIVE' });

    const authorizations = async () =>
      ((await sim.scenario('GET', '/_sim/resale-authorizations')).body as unknown[]).length;
    const before = await authorizations();
    const again = await call('/v1/opportunities/bulk', body);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(started.body.id);
    expect(again.body.items.map((i: { opportunityId: string }) => i.opportunityId)).toEqual(
      done.items.map((i: { opportunityId: string }) => i.opportunityId),
    );
    const listed = await call('/v1/opportunities?limit=200');
    expect(listed.body.items.filter((o: { name: string }) => o.name === 'FY27 channel push')).toHaveLength(3);
    expect(await authorizations()).toBe(before);
  });

  it('terms AWS would refuse are refused for the whole batch before anything is stored', async () => {
    const bad = await call('/v1/opportunities/bulk', {
      terms: { ...terms(), expiryDate: '2020-01-01' },
      resellerAccountIds: [PARTNER],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toContain('expiryDate must be in the future');
    const dupes = await call('/v1/opportunities/bulk', {
      terms: terms(),
      resellerAccountIds: [PARTNER, PARTNER],
    });
    expect(dupes.status).toBe(400);
    expect(JSON.stringify(dupes.body.message)).toContain('resellerAccountIds');
    const none = await call('/v1/opportunities/bulk', { terms: terms(), resellerAccountIds: [] });
    expect(none.status).toBe(400);
    expect((await call('/v1/opportunities/bulk/bat_0000000000000000000000000')).status).toBe(404);
  });
});
