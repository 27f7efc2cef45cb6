import { OfferStatus, OfferType } from '@cppo/contracts';
import {
  createTestOrg,
  randomAccountId,
  seedOffer,
  startTestApp,
  type TestApp,
} from '@cppo/platform/testing';
import { AppModule } from '../app.module';

describe('GET /v1/offers (opportunity app)', () => {
  let sut: TestApp;
  let org: { orgId: string; apiKey: string };
  let other: { orgId: string; apiKey: string };

  async function insert(orgId: string, type: OfferType, status: OfferStatus): Promise<string> {
    const offer = await seedOffer(sut.app, { orgId, type, status, buyerAccountIds: ['444455556666'] });
    return offer._id;
  }

  beforeAll(async () => {
    sut = await startTestApp(AppModule);
    org = await createTestOrg(sut.app, randomAccountId());
    other = await createTestOrg(sut.app, randomAccountId());
  });

  afterAll(() => sut.close());

  it('lists only the caller’s offers, newest first, paginated by cursor, filtered by type', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push(await insert(org.orgId, i % 2 ? OfferType.CPPO : OfferType.CPPO_OUT, OfferStatus.ACTIVE));
    await insert(other.orgId, OfferType.CPPO_OUT, OfferStatus.ACTIVE);

    const first = await sut.request('/v1/offers?limit=3', { apiKey: org.apiKey });
    expect(first.status).toBe(200);
    expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([ids[4], ids[3], ids[2]]);
    const second = await sut.request(`/v1/offers?limit=3&cursor=${first.body.nextCursor}`, {
      apiKey: org.apiKey,
    });
    expect(second.body.items.map((o: { id: string }) => o.id)).toEqual([ids[1], ids[0]]);
    expect(second.body.nextCursor).toBeNull();

    const partners = await sut.request('/v1/offers?type=CPPO', { apiKey: org.apiKey });
    expect(partners.body.items.map((o: { id: string }) => o.id)).toEqual([ids[3], ids[1]]);
    expect(partners.body.items[0]).toMatchObject({ type: 'CPPO', awsOfferId: `offer-${ids[3]}` });
    expect(partners.body.items[0]).not.toHaveProperty('outbox');
    expect(partners.body.items[0]).not.toHaveProperty('orgId');
  });

  it('gets one offer; another org’s is 404', async () => {
    const id = await insert(org.orgId, OfferType.CPPO_OUT, OfferStatus.PENDING);
    const mine = await sut.request(`/v1/offers/${id}`, { apiKey: org.apiKey });
    expect(mine.body).toMatchObject({
      id,
      type: 'CPPO_OUT',
      status: 'PENDING',
      buyerAccountIds: ['444455556666'],
    });
    expect((await sut.request(`/v1/offers/${id}`, { apiKey: other.apiKey })).status).toBe(404);
  });

  it.each([
    ['/v1/offers?limit=500', 'limit must not be greater than 200'],
    ['/v1/offers?type=BOGUS', 'type must be one of the following values: CPPO_OUT, CPPO'],
    ['/v1/offers?cursor=abc', 'cursor must be a nextCursor returned by this API'],
    ['/v1/offers?sort=name', 'property sort should not exist'],
  ])('rejects %s with 400 naming the parameter', async (path, message) => {
    const response = await sut.request(path, { apiKey: org.apiKey });
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual([message]);
  });
});
