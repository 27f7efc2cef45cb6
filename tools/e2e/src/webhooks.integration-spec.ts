import { Webhook } from 'standardwebhooks';
import { BUYER, PARTNER, startWebhookReceiver, waitFor, type WebhookReceiver } from '@cppo/testing';
import { startStack, type Stack } from './testing/stack';

/**
 * What the ISV's own systems hear, through the running services (processes), the simulator and a local
 * receiver: signed webhooks of the deal chain, and AWS's registration POST landed and redeemed.
 */
describe('webhooks and the registration landing end to end', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  let secret: string;
  let resaleAuthorizationId: string;
  let opportunityId: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stack = await startStack();
    const endpoint = await stack.call('webhooks', '/v1/webhooks/endpoints', {
      json: { url: `${receiver.url}/hooks`, eventTypes: ['entitlement.*', 'registration.completed'] },
    });
    expect(endpoint.status).toBe(201);
    secret = endpoint.body.secret;
    const active = await stack.activeOpportunity('Webhooks via Partner X');
    opportunityId = active.id;
    resaleAuthorizationId = active.marketplace.resaleAuthorizationId;
    const signup = await stack.call('entitlement', '/v1/registrations/settings', {
      method: 'PUT',
      json: { signupUrl: `${receiver.url}/signup?plan=pro` },
    });
    expect(signup.body).toEqual({
      signupUrl: `${receiver.url}/signup?plan=pro`,
      landingPath: `/v1/registrations/landing/${stack.org.orgId}`,
    });
  }, 150_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  async function deal(
    buyer: string,
    hold = false,
  ): Promise<{ agreementId: string; registrationToken: string }> {
    const offer = await stack.sim.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [buyer],
    });
    const agreement = await stack.sim.scenario('POST', '/_sim/buyer/accept', {
      offerId: offer.body.id,
      buyerAccountId: buyer,
      ...(hold ? { delivery: { hold: true } } : {}),
    });
    const { body } = await stack.sim.scenario('GET', `/_sim/agreements/${agreement.body.id}`);
    return { agreementId: agreement.body.id, registrationToken: body.registrationToken };
  }

  const hooks = (type: string, where: (data: any) => boolean) =>
    receiver.received
      .filter((r) => r.path === '/hooks')
      .map((r) => ({
        r,
        event: new Webhook(secret).verify(r.body, r.headers) as { type: string; data: any },
      }))
      .filter(({ event }) => event.type === type && where(event.data));

  /** AWS's form POST to the landing, as the buyer's browser sends it; the redirect is not followed. */
  const land = (token: string, orgId = stack.org.orgId) =>
    fetch(`${stack.urls.entitlement}/v1/registrations/landing/${orgId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'x-amzn-marketplace-token': token }).toString(),
      redirect: 'manual',
    });

  it('a buyer accepts a partner offer: exactly one entitlement.activated, verified, naming the whole chain', async () => {
    const { agreementId } = await deal(BUYER);
    const [{ event, r }] = await waitFor(
      () => {
        const got = hooks('entitlement.activated', (d) => d.agreementId === agreementId);
        return got.length ? got : undefined;
      },
      { timeoutMs: 15_000, what: 'entitlement.activated' },
    );
    expect(event.data).toMatchObject({
      agreementId,
      entitlementId: expect.stringMatching(/^ent_/),
      licenseArn: expect.stringMatching(/^arn:aws:license-manager::/),
      offerId: expect.any(String),
      opportunityId,
      status: 'ACTIVE',
      type: 'CPPO',
      version: expect.any(Number),
    });
    expect(r.headers['webhook-id']).toMatch(/^whm_/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(hooks('entitlement.activated', (d) => d.agreementId === agreementId)).toHaveLength(1);
  }, 60_000);

  it('AWS POSTs the registration form → 302 with our token → redeem → LINKED with the licence; twice → 409', async () => {
    const { agreementId, registrationToken } = await deal('222233334444');
    const entitlement = await waitFor(
      async () => {
        const { body } = await stack.call('entitlement', '/v1/entitlements?limit=200');
        return body.items.find(
          (e: any) => e.agreementId === agreementId && e.status === 'ACTIVE' && e.licenseArn,
        );
      },
      { timeoutMs: 15_000, what: 'the entitlement' },
    );
    const landed = await land(registrationToken);
    expect(landed.status).toBe(302);
    const location = new URL(landed.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe(`${receiver.url}/signup`);
    expect(location.searchParams.get('plan')).toBe('pro');
    const token = location.searchParams.get('cppo_registration') as string;
    expect(token).toMatch(/^crt_/);
    expect(landed.headers.get('location')).not.toContain(registrationToken);
    // another org cannot redeem it
    expect(
      (
        await stack.call('entitlement', '/v1/registrations/redeem', {
          json: { token, tenantId: 't-1' },
          apiKey: stack.other.apiKey,
        })
      ).status,
    ).toBe(404);
    const redeemed = await stack.call('entitlement', '/v1/registrations/redeem', {
      json: { token, tenantId: 'tenant-landing-1' },
    });
    expect(redeemed).toEqual({
      status: 200,
      body: {
        status: 'LINKED',
        customerAwsAccountId: '222233334444',
        licenseArn: entitlement.licenseArn,
        productCode: expect.any(String),
        entitlementId: entitlement.id,
      },
    });
    expect(
      (
        await stack.call('entitlement', '/v1/registrations/redeem', {
          json: { token, tenantId: 'tenant-landing-1' },
        })
      ).status,
    ).toBe(409);
    const looked = await stack.call('entitlement', '/v1/entitlements/lookup?tenantId=tenant-landing-1');
    expect(looked.body.id).toBe(entitlement.id);
    await waitFor(
      () =>
        hooks('registration.completed', (d) => d.entitlementId === entitlement.id).length ? true : undefined,
      { what: 'registration.completed' },
    );
  }, 60_000);

  it('the POST before the entitlement: PENDING, then LINKED by itself with a registration.completed webhook', async () => {
    const { agreementId, registrationToken } = await deal('333344445555', true);
    const landed = await land(registrationToken);
    const token = new URL(landed.headers.get('location') as string).searchParams.get(
      'cppo_registration',
    ) as string;
    const redeemed = await stack.call('entitlement', '/v1/registrations/redeem', {
      json: { token, tenantId: 'tenant-early' },
    });
    expect(redeemed.body).toMatchObject({ status: 'PENDING', customerAwsAccountId: '333344445555' });
    expect(redeemed.body.entitlementId).toBeUndefined();
    await stack.sim.scenario('POST', '/_sim/events/release', {});
    const [{ event }] = await waitFor(
      () => {
        const got = hooks('registration.completed', (d) => d.tenantId === 'tenant-early');
        return got.length ? got : undefined;
      },
      { timeoutMs: 20_000, what: 'registration.completed' },
    );
    const entitlement = await stack.call('entitlement', '/v1/entitlements/lookup?tenantId=tenant-early');
    expect(entitlement.body).toMatchObject({ agreementId, tenantId: 'tenant-early' });
    expect(event.data).toMatchObject({
      entitlementId: entitlement.body.id,
      customerAwsAccountId: '333344445555',
      tenantId: 'tenant-early',
    });
  }, 60_000);

  it('a bad or expired AWS token → 302 with an error code; an unknown org → 404', async () => {
    const bad = await land('not-a-token');
    expect(bad.status).toBe(302);
    expect(new URL(bad.headers.get('location') as string).searchParams.get('cppo_registration_error')).toBe(
      'invalid_token',
    );
    const { registrationToken } = await deal('444455556666');
    await stack.sim.scenario('PUT', '/_sim/config', { registrationTokenTtlHours: 0 });
    try {
      const expired = await land(registrationToken);
      expect(
        new URL(expired.headers.get('location') as string).searchParams.get('cppo_registration_error'),
      ).toBe('expired_token');
    } finally {
      await stack.sim.scenario('PUT', '/_sim/config', { registrationTokenTtlHours: 24 });
    }
    const missing = await fetch(`${stack.urls.entitlement}/v1/registrations/landing/${stack.org.orgId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'something=else',
      redirect: 'manual',
    });
    expect(
      new URL(missing.headers.get('location') as string).searchParams.get('cppo_registration_error'),
    ).toBe('missing_token');
    const unknown = await land('x', 'org_000000000000000000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).not.toMatch(/at .*\.ts/);
  }, 60_000);
});
