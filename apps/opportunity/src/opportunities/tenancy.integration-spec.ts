import { createTestOrg, randomAccountId, startTestApp, type TestApp } from '@cppo/platform/testing';
import {
  ISV,
  minimalOpportunity,
  OTHER_ISV,
  PRODUCT,
  startMarketplaceSim,
  waitFor,
  type RunningSimulator,
} from '@cppo/testing';
import { AppModule } from '../app.module';

const OTHER_PRODUCT = 'prod-othervendor001';
const roleOf = (account: string) => `arn:aws:iam::${account}:role/CppoHubAccess`;

/**
 * Two ISVs on one deployment, each reached through its own IAM role (STS AssumeRole with its external
 * id), plus an org on the deployment's own credentials. The simulator answers each call as the account
 * whose credentials signed it.
 */
describe('opportunity: each org acts only on its own AWS products (simulator with per-org roles)', () => {
  let sim: RunningSimulator;
  let sut: TestApp;
  let acme: { orgId: string; apiKey: string };
  let other: { orgId: string; apiKey: string };
  let plain: { orgId: string; apiKey: string };

  beforeAll(async () => {
    sim = await startMarketplaceSim({ changeSetDelayMs: 100 });
    for (const [account, externalId] of [
      [ISV, 'acme-external-id'],
      [OTHER_ISV, 'other-external-id'],
    ])
      await sim.scenario('PUT', '/_sim/roles', { roleArn: roleOf(account), externalId });
    sut = await startTestApp(AppModule, {
      MARKETPLACE_ENDPOINT: sim.url,
      // The deployment's own credentials: the simulator takes them for the first seller (Acme).
      AWS_ACCESS_KEY_ID: 'deployment-key',
      AWS_SECRET_ACCESS_KEY: 'x',
      CHANGE_SET_TICK_MS: '100',
      CHANGE_SET_POLL_INITIAL_MS: '200',
      CHANGE_SET_POLL_MAX_MS: '1000',
      AWS_RETRY_MIN_MS: '10',
    });
    acme = await createTestOrg(sut.app, ISV, {
      awsRole: { roleArn: roleOf(ISV), externalId: 'acme-external-id' },
    });
    other = await createTestOrg(sut.app, OTHER_ISV, {
      awsRole: { roleArn: roleOf(OTHER_ISV), externalId: 'other-external-id' },
    });
    plain = await createTestOrg(sut.app, randomAccountId());
  });

  afterAll(async () => {
    await sut.close();
    await sim.stop();
  });

  const post = (apiKey: string, path: string, json?: unknown) =>
    sut.request(path, { method: 'POST', apiKey, json });
  /** Other Vendor's product has one dimension, `users`, and no usage dimensions. */
  const create = (apiKey: string, productId: string) => {
    const { usageDimensionPrices, ...rest } = minimalOpportunity(`on ${productId}`);
    const body = productId === PRODUCT ? { ...rest, usageDimensionPrices } : rest;
    return post(apiKey, '/v1/opportunities', { ...body, productId });
  };
  const active = (apiKey: string, id: string) =>
    waitFor(
      async () => {
        const { body } = await sut.request(`/v1/opportunities/${id}`, { apiKey });
        return body.status === 'ACTIVE' || body.status === 'FAILED' ? body : undefined;
      },
      { timeoutMs: 20_000, what: `opportunity ${id} settled` },
    );
  const authorizations = async () =>
    (await sim.scenario('GET', '/_sim/resale-authorizations')).body as {
      id: string;
      productId: string;
      manufacturerAccountId: string;
    }[];

  it("GET /v1/products: each org's own SaaS products, dimensions by name and unit; cached, refreshable", async () => {
    const listed = await sut.request('/v1/products', { apiKey: acme.apiKey });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { title: string }) => p.title)).toEqual([
      'Acme Analytics',
      'Acme Draft',
      'Acme Seats',
    ]);
    expect(listed.body.items[0]).toEqual({
      id: PRODUCT,
      title: 'Acme Analytics',
      productCode: 'acmeanalytics0000000000001',
      visibility: 'Public',
      dimensions: expect.arrayContaining([
        expect.objectContaining({
          key: 'users',
          name: 'Users',
          unit: 'Users',
          entitled: true,
          metered: false,
        }),
        expect.objectContaining({
          key: 'api_calls',
          name: 'API calls',
          unit: 'Requests',
          entitled: false,
          metered: true,
        }),
      ]),
    });
    const theirs = await sut.request('/v1/products', { apiKey: other.apiKey });
    expect(theirs.body.items.map((p: { id: string }) => p.id)).toEqual([OTHER_PRODUCT]);
    // the deployment's credentials reach Acme's account, but none of its products is this org's
    expect((await sut.request('/v1/products', { apiKey: plain.apiKey })).body.items).toEqual([]);

    const calls = async () =>
      ((await sim.scenario('GET', '/_sim/calls')).body as Record<string, number>)['ListEntities'];
    const before = await calls();
    const cached = await sut.request('/v1/products', { apiKey: acme.apiKey });
    expect(cached.body.fetchedAt).toBe(listed.body.fetchedAt);
    expect(await calls()).toBe(before);
    const fresh = await sut.request('/v1/products?refresh=true', { apiKey: acme.apiKey });
    expect(fresh.body.items).toHaveLength(3);
    expect(await calls()).toBe(before + 1);
    expect((await sut.request('/v1/products?refresh=yes', { apiKey: acme.apiKey })).status).toBe(400);
  });

  it("refuses another org's product with 404, and AWS never hears of it", async () => {
    const before = await authorizations();
    const refused = await create(other.apiKey, PRODUCT);
    expect(refused.status).toBe(404);
    expect(refused.body.message).toContain(`product ${PRODUCT} not found`);
    // An org on the deployment's credentials (which AWS takes for Acme's) is refused just the same.
    expect((await create(plain.apiKey, PRODUCT)).status).toBe(404);
    expect((await sut.request('/v1/opportunities', { apiKey: other.apiKey })).body.items).toEqual([]);
    expect(await authorizations()).toEqual(before);
  });

  it("publishes each org's own product as that org's AWS account", async () => {
    const mine = await create(acme.apiKey, PRODUCT);
    const theirs = await create(other.apiKey, OTHER_PRODUCT);
    expect([mine.status, theirs.status]).toEqual([202, 202]);
    const [a, b] = await Promise.all([
      active(acme.apiKey, mine.body.id),
      active(other.apiKey, theirs.body.id),
    ]);
    expect([a.status, b.status]).toEqual(['ACTIVE', 'ACTIVE']);
    const byId = new Map((await authorizations()).map((ra) => [ra.id, ra]));
    expect(byId.get(a.marketplace.resaleAuthorizationId)?.manufacturerAccountId).toBe(ISV);
    expect(byId.get(b.marketplace.resaleAuthorizationId)?.manufacturerAccountId).toBe(OTHER_ISV);
    // Session credentials are reused, not fetched per call.
    const calls = (await sim.scenario('GET', '/_sim/calls')).body as Record<string, number>;
    expect(calls['AssumeRole']).toBeLessThanOrEqual(4);
    expect(calls['DescribeChangeSet'] + calls['StartChangeSet']).toBeGreaterThan(calls['AssumeRole']);

    // Org B cannot restrict or clone org A's opportunity: it is not B's to see.
    expect((await post(other.apiKey, `/v1/opportunities/${a.id}/restrict`)).status).toBe(404);
    expect((await post(other.apiKey, `/v1/opportunities/${a.id}/clone`, {})).status).toBe(404);
    // Nor clone its own onto A's product.
    const cloned = await post(other.apiKey, `/v1/opportunities/${b.id}/clone`, { productId: PRODUCT });
    expect(cloned.status).toBe(404);
    expect((await sut.request(`/v1/opportunities/${a.id}`, { apiKey: acme.apiKey })).body.status).toBe(
      'ACTIVE',
    );
  });

  describe('GET /v1/aws/connection: can the hub act for the org in AWS, check by check', () => {
    const connection = async (apiKey: string) => (await sut.request('/v1/aws/connection', { apiKey })).body;
    const statuses = (report: { checks: { operation: string; status: string; error?: string }[] }) =>
      Object.fromEntries(
        report.checks.map((c) => [c.operation, c.error ? `${c.status} ${c.error}` : c.status]),
      );

    afterEach(() => sim.scenario('DELETE', '/_sim/faults'));

    it('an org with a working role: assumed, the Catalog reached on one of its products, metering and entitlements permitted', async () => {
      const report = await connection(acme.apiKey);
      expect(report).toMatchObject({ ok: true, roleArn: roleOf(ISV), accounts: [ISV] });
      expect(statuses(report)).toEqual({
        'sts:AssumeRole': 'OK',
        'catalog:DescribeEntity': 'OK',
        'metering:BatchMeterUsage': 'OK',
        'entitlement:GetEntitlements': 'OK',
      });
      expect(report.checks[1].detail).toMatch(/^prod-acme/);
      // an org on the deployment's credentials has no role to assume
      expect(statuses(await connection(plain.apiKey))['sts:AssumeRole']).toBe('SKIPPED');
    });

    it("a role whose trust policy wants another external id: AssumeRole fails with STS's AccessDenied, the rest is skipped", async () => {
      const wrong = await createTestOrg(sut.app, randomAccountId(), {
        awsRole: { roleArn: roleOf(ISV), externalId: 'not-the-external-id' },
      });
      const report = await connection(wrong.apiKey);
      expect(report.ok).toBe(false);
      expect(statuses(report)).toEqual({
        'sts:AssumeRole': 'FAILED AccessDenied',
        'catalog:DescribeEntity': 'SKIPPED',
        'metering:BatchMeterUsage': 'SKIPPED',
        'entitlement:GetEntitlements': 'SKIPPED',
      });
      expect(report.checks[0].message).toMatch(/not authorized to perform: sts:AssumeRole/);
    });

    it("a role without metering or entitlement permission: those checks fail with AWS's error names, nothing is billed", async () => {
      await sim.scenario('PUT', '/_sim/faults', {
        rules: [
          { operation: 'BatchMeterUsage', type: 'accessDenied' },
          { operation: 'GetEntitlements', type: 'accessDenied' },
        ],
      });
      const report = await connection(acme.apiKey);
      expect(report.ok).toBe(false);
      expect(statuses(report)).toEqual({
        'sts:AssumeRole': 'OK',
        'catalog:DescribeEntity': 'OK',
        'metering:BatchMeterUsage': 'FAILED AccessDeniedException',
        'entitlement:GetEntitlements': 'FAILED AccessDeniedException',
      });
      expect((await sim.scenario('GET', '/_sim/metering-records')).body).toEqual([]);
    });
  });
});
