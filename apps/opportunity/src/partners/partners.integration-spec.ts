import { createTestOrg, randomAccountId, startTestApp, type TestApp } from '@cppo/platform/testing';
import { AppModule } from '../app.module';

describe('/v1/partners: the partner directory (opportunity app)', () => {
  let sut: TestApp;
  let org: { orgId: string; apiKey: string };
  let other: { orgId: string; apiKey: string };

  beforeAll(async () => {
    sut = await startTestApp(AppModule);
    org = await createTestOrg(sut.app, randomAccountId());
    other = await createTestOrg(sut.app, randomAccountId());
  });

  afterAll(() => sut.close());

  const as =
    (key: string) =>
    (path: string, method = 'GET', json?: unknown) =>
      sut.request(path, { method, apiKey: key, json });

  it('adds a partner by name and account, once per org; another org may list the same account', async () => {
    const call = as(org.apiKey);
    const account = randomAccountId();
    const created = await call('/v1/partners', 'POST', {
      name: '  Northwind Cloud  ',
      awsAccountId: account,
      contactEmail: 'channel@northwind.example',
      tags: ['emea', 'tier-1'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^prt_/),
      name: 'Northwind Cloud',
      awsAccountId: account,
      contactEmail: 'channel@northwind.example',
      tags: ['emea', 'tier-1'],
    });
    expect(created.body).not.toHaveProperty('orgId');

    const again = await call('/v1/partners', 'POST', { name: 'Northwind again', awsAccountId: account });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(
      `AWS account ${account} is already in the directory as partner ${created.body.id}`,
    );
    const theirs = await as(other.apiKey)('/v1/partners', 'POST', {
      name: 'Their view',
      awsAccountId: account,
    });
    expect(theirs.status).toBe(201);
    expect((await call(`/v1/partners/${theirs.body.id}`)).status).toBe(404);
  });

  it('refuses a bad account, a blank name, a bad e-mail or tag, naming the field', async () => {
    const call = as(org.apiKey);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'X', awsAccountId: '12345' }, 'awsAccountId must be a 12-digit AWS account id'],
      [{ name: '   ', awsAccountId: randomAccountId() }, 'name must not be blank'],
      [
        { name: 'X', awsAccountId: randomAccountId(), contactEmail: 'nope' },
        'contactEmail must be an e-mail',
      ],
      [{ name: 'X', awsAccountId: randomAccountId(), tags: ['has space'] }, 'each tag must be'],
      [{ name: 'X', awsAccountId: { $ne: '' } }, 'awsAccountId'],
    ];
    for (const [body, message] of cases) {
      const answer = await call('/v1/partners', 'POST', body);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toContain(message);
    }
  });

  it('lists newest first by cursor, filters by tag and account; changes and removes one', async () => {
    const call = as(org.apiKey);
    const ids: string[] = [];
    const accounts: string[] = [];
    for (let i = 0; i < 4; i++) {
      accounts.push(randomAccountId());
      const made = await call('/v1/partners', 'POST', {
        name: `Partner ${i}`,
        awsAccountId: accounts[i],
        tags: i % 2 ? ['apac'] : [],
      });
      ids.push(made.body.id);
    }
    const first = await call('/v1/partners?limit=2');
    expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([ids[3], ids[2]]);
    const second = await call(`/v1/partners?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((p: { id: string }) => p.id)).toEqual([ids[1], ids[0]]);
    const apac = await call('/v1/partners?tag=apac');
    expect(apac.body.items.map((p: { id: string }) => p.id)).toEqual([ids[3], ids[1]]);
    const byAccount = await call(`/v1/partners?awsAccountId=${accounts[2]}`);
    expect(byAccount.body.items.map((p: { id: string }) => p.id)).toEqual([ids[2]]);

    const changed = await call(`/v1/partners/${ids[0]}`, 'PATCH', {
      name: 'Renamed',
      contactName: 'Ana',
      awsAccountId: randomAccountId(), // the account is the partner's identity: not a field to change
    });
    expect(changed.status).toBe(400);
    const renamed = await call(`/v1/partners/${ids[0]}`, 'PATCH', { name: 'Renamed', contactName: 'Ana' });
    expect(renamed.body).toMatchObject({ name: 'Renamed', contactName: 'Ana', awsAccountId: accounts[0] });
    const cleared = await call(`/v1/partners/${ids[0]}`, 'PATCH', { contactName: null });
    expect(cleared.body).not.toHaveProperty('contactName');
    expect((await call(`/v1/partners/${ids[0]}`, 'PATCH', { name: null })).status).toBe(400);
    expect((await as(other.apiKey)(`/v1/partners/${ids[0]}`, 'PATCH', { name: 'Mine' })).status).toBe(404);

    expect((await as(other.apiKey)(`/v1/partners/${ids[1]}`, 'DELETE')).status).toBe(404);
    expect((await call(`/v1/partners/${ids[1]}`, 'DELETE')).status).toBe(204);
    expect((await call(`/v1/partners/${ids[1]}`)).status).toBe(404);
    // its account may be added again
    expect((await call('/v1/partners', 'POST', { name: 'Back', awsAccountId: accounts[1] })).status).toBe(
      201,
    );
  });

  it('needs an API key', async () => {
    expect((await sut.request('/v1/partners')).status).toBe(401);
  });
});
