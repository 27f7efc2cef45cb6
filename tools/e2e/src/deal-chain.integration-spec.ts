import { BUYER, minimalOpportunity, PARTNER, PRODUCT, waitFor } from '@cppo/testing';
import { startStack, type Stack } from './testing/stack';

/**
 * The deal chain through the running services and the simulator, public interfaces only: an opportunity,
 * the partner's offer, the buyer's acceptance, the entitlement — and what the ISV's application asks.
 */
describe('deal chain end to end (services as processes, simulator, SQS emulator, RabbitMQ, Mongo)', () => {
  let stack: Stack;
  let opportunityId: string;
  let resaleAuthorizationId: string;

  beforeAll(async () => {
    stack = await startStack();
    const active = await stack.activeOpportunity('E2E via Partner X');
    opportunityId = active.id;
    resaleAuthorizationId = active.marketplace.resaleAuthorizationId;
  }, 150_000);

  afterAll(() => stack?.stop());

  /** The partner makes an offer for the buyer from the opportunity; the buyer accepts it. */
  async function dealFor(buyer = BUYER): Promise<{ awsOfferId: string; agreementId: string }> {
    const offer = await stack.sim.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [buyer],
    });
    expect(offer.status).toBe(200);
    const agreement = await stack.sim.scenario('POST', '/_sim/buyer/accept', {
      offerId: offer.body.id,
      buyerAccountId: buyer,
    });
    expect(agreement.status).toBe(200);
    return { awsOfferId: offer.body.id, agreementId: agreement.body.id };
  }

  const entitlementOf = (
    agreementId: string,
    predicate: (e: any) => boolean,
    what: string,
    timeoutMs = 10_000,
  ) =>
    waitFor(
      async () => {
        const { body } = await stack.call('entitlement', `/v1/entitlements?limit=200`);
        const found = body.items.find((e: { agreementId: string }) => e.agreementId === agreementId);
        return found && predicate(found) ? found : undefined;
      },
      { timeoutMs, intervalMs: 50, what },
    );

  it('a buyer accepts: within 5 s the chain shows the opportunity, the CPPO offer and an ACTIVE CPPO entitlement', async () => {
    const { awsOfferId, agreementId } = await dealFor();
    const accepted = Date.now();
    const chain = await waitFor(
      async () => {
        const { body } = await stack.call('opportunity', `/v1/opportunities/${opportunityId}/chain`);
        const entitlement = body.entitlements.find(
          (e: { agreementId: string }) => e.agreementId === agreementId,
        );
        return entitlement?.status === 'ACTIVE' && entitlement.licenseArn && entitlement.offerId
          ? body
          : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 50, what: 'the chain with an ACTIVE entitlement' },
    );
    expect(Date.now() - accepted).toBeLessThan(5_000);
    const offer = chain.offers.find((o: { awsOfferId: string }) => o.awsOfferId === awsOfferId);
    const entitlement = chain.entitlements.find(
      (e: { agreementId: string }) => e.agreementId === agreementId,
    );
    expect(offer).toMatchObject({ type: 'CPPO', cppoOutOfferId: opportunityId, resellerAccountId: PARTNER });
    expect(entitlement).toMatchObject({
      type: 'CPPO',
      status: 'ACTIVE',
      offerId: offer.id,
      opportunityId,
      resaleAuthorizationId,
      buyerAccountId: BUYER,
      resellerAccountId: PARTNER,
      productId: PRODUCT,
      licenseArn: expect.stringMatching(/^arn:aws:license-manager::/),
      link: { missing: [] },
    });
    // The licence (GetEntitlements) says what the buyer holds; the partner's agreement is not ours to read
    // (AWS answers proposer and acceptor), so it is not asked; wholesale prices from the opportunity.
    const enriched = await entitlementOf(agreementId, (e) => e.licence.status === 'OK', 'the licence read');
    expect(enriched.grants).toEqual([{ dimensionKey: 'users', quantity: 10 }]);
    expect(enriched.licence).toMatchObject({
      grants: [{ dimensionKey: 'users', quantity: 10 }],
      changes: [],
    });
    expect(enriched.agreementApi.status).toBe('NOT_PARTY');
    // what the partner charges the buyer is between them
    expect(enriched.usagePrices).toEqual([]);
    expect(enriched.wholesalePrices).toEqual([
      { dimensionKey: 'api_calls', price: '0.002' },
      { dimensionKey: 'storage_gb', price: '0.1' },
    ]);

    // The SaaS application's questions, answered from the store.
    const byLicense = await stack.call(
      'entitlement',
      `/v1/entitlements/lookup?licenseArn=${encodeURIComponent(entitlement.licenseArn)}`,
    );
    expect(byLicense).toMatchObject({ status: 200, body: { id: entitlement.id, status: 'ACTIVE' } });
    const byAccount = await stack.call(
      'entitlement',
      `/v1/entitlements/lookup?customerAwsAccountId=${BUYER}&productId=${PRODUCT}`,
    );
    expect(byAccount.body.agreementId).toBe(agreementId);
    expect((await stack.call('entitlement', '/v1/entitlements/lookup?productId=x')).status).toBe(400);

    // The buyer registers on the ISV's page with AWS's token.
    const { body: simAgreement } = await stack.sim.scenario('GET', `/_sim/agreements/${agreementId}`);
    const register = (token: string, tenantId = 'tenant-acme-1') =>
      stack.call('entitlement', '/v1/registrations', { json: { token, tenantId } });
    const registered = await register(simAgreement.registrationToken);
    expect(registered).toMatchObject({
      status: 200,
      body: { id: entitlement.id, tenantId: 'tenant-acme-1' },
    });
    expect(await register(simAgreement.registrationToken)).toEqual(registered);
    expect((await register(simAgreement.registrationToken, 'someone-else')).status).toBe(409);
    const invalid = await register('not-a-token');
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toEqual([expect.stringContaining('InvalidTokenException')]);
    const byTenant = await stack.call('entitlement', '/v1/entitlements/lookup?tenantId=tenant-acme-1');
    expect(byTenant.body.id).toBe(entitlement.id);

    // Another org sees none of it.
    const other = { apiKey: stack.other.apiKey };
    expect((await stack.call('entitlement', `/v1/entitlements/${entitlement.id}`, other)).status).toBe(404);
    expect(
      (await stack.call('entitlement', `/v1/entitlements/lookup?tenantId=tenant-acme-1`, other)).status,
    ).toBe(404);
    expect((await stack.call('entitlement', '/v1/entitlements', other)).body.items).toEqual([]);
    expect((await stack.call('entitlement', '/v1/reconciliation/unlinked', other)).body.items).toEqual([]);
    // Registering this buyer's token as the other org: not found, and not told what it resolved to (#25).
    const foreign = await stack.call('entitlement', '/v1/registrations', {
      ...other,
      json: { token: simAgreement.registrationToken, tenantId: 'tenant-other' },
    });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain(entitlement.licenseArn);
    expect(JSON.stringify(foreign.body)).not.toContain(BUYER);

    // The buyer cancels: CANCELLED, with its history.
    await stack.sim.scenario('POST', `/_sim/agreements/${agreementId}/cancel`, {});
    const cancelled = await entitlementOf(agreementId, (e) => e.status === 'CANCELLED', 'CANCELLED');
    const detail = await stack.call('entitlement', `/v1/entitlements/${cancelled.id}`);
    expect(detail.body.history.map((h: { status: string }) => h.status)).toEqual(['ACTIVE', 'CANCELLED']);
    expect(detail.body.history[1].eventId).toBeTruthy();

    // Other services heard it: created (and activated: it was ACTIVE at once), then ended.
    const heard = await waitFor(
      () => {
        const mine = stack.published.filter((m) => m.payload['entitlementId'] === entitlement.id);
        return mine.some((m) => m.type === 'cppo.entitlement.ended.v1') ? mine : undefined;
      },
      { what: 'the entitlement events' },
    );
    expect(heard[0]).toMatchObject({ type: 'cppo.entitlement.created.v1', payload: { status: 'ACTIVE' } });
    expect(heard[1]).toMatchObject({ type: 'cppo.entitlement.activated.v1', payload: { status: 'ACTIVE' } });
    expect(heard.filter((m) => m.type === 'cppo.entitlement.activated.v1')).toHaveLength(1);
  }, 60_000);

  it('a renewal gives two linked entitlements, the old one RENEWED', async () => {
    const buyer = '555566667777';
    const first = await dealFor(buyer);
    await entitlementOf(first.agreementId, (e) => e.status === 'ACTIVE', 'the first agreement ACTIVE');
    const renewalOffer = await stack.sim.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [buyer],
    });
    const renewal = await stack.sim.scenario('POST', `/_sim/agreements/${first.agreementId}/renew`, {
      offerId: renewalOffer.body.id,
      buyerAccountId: buyer,
    });
    // Linked once the renewal offer's Offer Released has been ingested too (it may come after the agreement).
    const renewed = await entitlementOf(
      renewal.body.id,
      (e) => e.status === 'ACTIVE' && !e.link.missing.length,
      'the renewal ACTIVE and linked',
    );
    // AWS's Ended (RENEWED) for the old agreement and the renewal's Created may come in either order: the
    // old one is RENEWED by either, and linked to the new one once the Created is in.
    const old = await entitlementOf(
      first.agreementId,
      (e) => e.status === 'RENEWED' && !!e.nextAgreementId,
      'the old one RENEWED and linked',
    );
    expect(renewed.previousAgreementId).toBe(first.agreementId);
    expect(old.nextAgreementId).toBe(renewal.body.id);
    expect(renewed).toMatchObject({ type: 'CPPO', opportunityId, link: { missing: [] } });
  }, 60_000);

  it('an amendment changes the licence: grants follow GetEntitlements, and the history says what changed', async () => {
    const { agreementId } = await dealFor('666677778888');
    await entitlementOf(agreementId, (e) => e.licence.status === 'OK', 'the licence read');
    await stack.sim.scenario('POST', `/_sim/agreements/${agreementId}/amend`, {
      grants: [{ dimensionKey: 'users', quantity: 12 }],
    });
    const amended = await entitlementOf(
      agreementId,
      (e) => e.grants[0]?.quantity === 12,
      'the grants of the amended licence',
    );
    expect(amended.licence.changes).toEqual([
      {
        at: expect.any(String),
        from: [{ dimensionKey: 'users', quantity: 10 }],
        to: [{ dimensionKey: 'users', quantity: 12 }],
      },
    ]);
    expect(amended.history).toContainEqual(
      expect.objectContaining({
        status: 'ACTIVE',
        reason: 'licence entitlements changed: users 10 → users 12',
      }),
    );
  }, 60_000);

  it("one tenant is one buyer: a tenant id already registered to another buyer's entitlement is refused (#25)", async () => {
    const register = async (buyer: string, tenantId: string) => {
      const { agreementId } = await dealFor(buyer);
      await entitlementOf(agreementId, (e) => e.status === 'ACTIVE' && !!e.licenseArn, 'ACTIVE');
      const { body: agreement } = await stack.sim.scenario('GET', `/_sim/agreements/${agreementId}`);
      return stack.call('entitlement', '/v1/registrations', {
        json: { token: agreement.registrationToken, tenantId },
      });
    };
    expect((await register('777700001111', 'tenant-shared')).status).toBe(200);
    const second = await register('777700002222', 'tenant-shared');
    expect(second).toMatchObject({
      status: 409,
      body: { message: "tenantId tenant-shared is registered to another buyer's entitlement" },
    });
    // the same buyer's second agreement may carry the same tenant
    expect((await register('777700001111', 'tenant-shared')).status).toBe(200);
  }, 60_000);

  it('a registration whose token resolves without a licence ARN is found by the buyer account and product code', async () => {
    const buyer = '555566667777';
    const { agreementId } = await dealFor(buyer);
    const entitlement = await entitlementOf(
      agreementId,
      (e) => e.status === 'ACTIVE' && !!e.licenseArn,
      'ACTIVE',
    );
    const { body: agreement } = await stack.sim.scenario('GET', `/_sim/agreements/${agreementId}`);
    await stack.sim.scenario('PUT', '/_sim/config', { resolveCustomerLicenseArn: false });
    try {
      const registered = await stack.call('entitlement', '/v1/registrations', {
        json: { token: agreement.registrationToken, tenantId: 'tenant-no-licence' },
      });
      expect(registered).toMatchObject({
        status: 200,
        body: { id: entitlement.id, tenantId: 'tenant-no-licence' },
      });
    } finally {
      await stack.sim.scenario('PUT', '/_sim/config', { resolveCustomerLicenseArn: true });
    }
  }, 60_000);

  it("a buyer accepting the ISV's own direct private offer gets a DIRECT entitlement, with nothing to link", async () => {
    const direct = await stack.sim.scenario('POST', '/_sim/seller/offers', {
      productId: PRODUCT,
      buyerAccountIds: ['666677778888'],
    });
    const agreement = await stack.sim.scenario('POST', '/_sim/buyer/accept', { offerId: direct.body.id });
    const entitlement = await entitlementOf(
      agreement.body.id,
      // ACTIVE comes with the agreement; the product with the licence event, which may come later.
      (e) => e.status === 'ACTIVE' && !!e.productId,
      'a DIRECT entitlement with its product',
    );
    expect(entitlement).toMatchObject({ type: 'DIRECT', link: { missing: [] }, productId: PRODUCT });
    // The ISV proposed this agreement: the Agreement API answers it.
    await entitlementOf(agreement.body.id, (e) => e.agreementApi.status === 'OK', 'the Agreement API read');
    expect(entitlement.opportunityId).toBeUndefined();
    const offers = await stack.call('opportunity', '/v1/offers?type=CPPO');
    expect(offers.body.items.map((o: { awsOfferId: string }) => o.awsOfferId)).not.toContain(direct.body.id);
  }, 60_000);

  it('a commit priced per unit: the buyer configures 37 users, and the entitlement grants them although the ISV may not read the agreement', async () => {
    const created = await stack.call('opportunity', '/v1/opportunities', {
      json: {
        ...minimalOpportunity('E2E per unit'),
        commitAmount: {
          amount: '1200.00',
          currency: 'USD',
          duration: 'P12M',
          grants: [{ dimensionKey: 'users', quantity: 10, unitPrice: '120.00' }],
        },
      },
    });
    const active = await waitFor(
      async () => {
        const { body } = await stack.call('opportunity', `/v1/opportunities/${created.body.id}`);
        return body.status === 'ACTIVE' ? body : undefined;
      },
      { timeoutMs: 20_000, what: 'the per-unit opportunity ACTIVE' },
    );
    const offer = await stack.sim.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: active.marketplace.resaleAuthorizationId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [BUYER],
    });
    const agreement = await stack.sim.scenario('POST', '/_sim/buyer/accept', {
      offerId: offer.body.id,
      buyerAccountId: BUYER,
      quantities: { users: 37 },
    });
    const entitlement = await entitlementOf(
      agreement.body.id,
      (e) => e.licence.status === 'OK',
      'the per-unit entitlement with its licence read',
    );
    expect(entitlement.grants).toEqual([{ dimensionKey: 'users', quantity: 37 }]);
    expect(entitlement.agreementApi.status).toBe('NOT_PARTY');
    // and AWS would refuse the ISV the agreement indeed
    const simAgreement = await stack.sim.scenario('GET', `/_sim/agreements/${agreement.body.id}`);
    expect(simAgreement.body.proposerAccountId).toBe(PARTNER);
  }, 60_000);
});
