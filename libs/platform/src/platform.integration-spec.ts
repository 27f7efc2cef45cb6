import { connect } from 'node:net';
import { once } from 'node:events';
import { OfferStatus } from '@cppo/contracts';
import { createTestOrg, randomAccountId, seedOffer, startTestApp, type TestApp } from './testing';
import { ThingsAppModule } from './testing/things.fixture';

describe('platform: auth, org scoping and input rules (real app, Mongo, RabbitMQ)', () => {
  let sut: TestApp;
  let orgA: { orgId: string; apiKey: string };
  let orgB: { orgId: string; apiKey: string };
  let recordOfB: string;

  beforeAll(async () => {
    sut = await startTestApp(ThingsAppModule);
    orgA = await createTestOrg(sut.app, randomAccountId());
    orgB = await createTestOrg(sut.app, randomAccountId());
    recordOfB = (
      await seedOffer(sut.app, { orgId: orgB.orgId, status: OfferStatus.PENDING, productId: 'prod-1' })
    )._id;
  });

  afterAll(() => sut.close());

  it('answers 401 without a key, with an unknown key, and with a malformed header', async () => {
    expect((await sut.request(`/v1/things/${recordOfB}`)).status).toBe(401);
    expect((await sut.request(`/v1/things/${recordOfB}`, { apiKey: 'cppo_not-a-real-key' })).status).toBe(
      401,
    );
    const basic = await sut.request(`/v1/things/${recordOfB}`, {
      headers: { authorization: `Basic ${orgB.apiKey}` },
    });
    expect(basic.status).toBe(401);
    expect(basic.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('serves the owner with either header form', async () => {
    const bearer = await sut.request(`/v1/things/${recordOfB}`, { apiKey: orgB.apiKey });
    expect(bearer).toEqual({ status: 200, body: { id: recordOfB, orgId: orgB.orgId } });
    const header = await sut.request(`/v1/things/${recordOfB}`, { headers: { 'x-api-key': orgB.apiKey } });
    expect(header.status).toBe(200);
  });

  it("answers 404, never the record, when org A reads org B's record", async () => {
    const response = await sut.request(`/v1/things/${recordOfB}`, { apiKey: orgA.apiKey });
    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).not.toContain(orgB.orgId);
  });

  it('rejects an unknown body field with 400 naming it', async () => {
    const response = await sut.request('/v1/things', {
      method: 'POST',
      apiKey: orgA.apiKey,
      json: { name: 'x', nested: { quantity: 1 }, isAdmin: true },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual(['property isAdmin should not exist']);
  });

  it('rejects a Mongo operator anywhere in the body with 400 naming its path', async () => {
    const top = await sut.request('/v1/things', {
      method: 'POST',
      apiKey: orgA.apiKey,
      json: { name: { $ne: '' }, nested: { quantity: 1 } },
    });
    expect(top.status).toBe(400);
    expect(top.body.message).toEqual(['name.$ne: keys starting with $ are not allowed']);
    const deep = await sut.request('/v1/things', {
      method: 'POST',
      apiKey: orgA.apiKey,
      json: { name: 'x', nested: { quantity: { $gt: 0 } } },
    });
    expect(deep.body.message).toEqual(['nested.quantity.$gt: keys starting with $ are not allowed']);
  });

  /**
   * Sends `body` while polling /health/live: the answer, and whether health kept answering. (How fast is
   * measured by `npm run bench -- hostile`, against a service in its own process.)
   */
  async function hostile(body: string): Promise<{ status: number; message: unknown; healthy: boolean }> {
    let done = false;
    let healthy = true;
    const poll = (async () => {
      while (!done) healthy &&= (await sut.request('/health/live')).status === 200;
    })();
    const response = await sut.request('/v1/things', {
      method: 'POST',
      apiKey: orgA.apiKey,
      headers: { 'content-type': 'application/json' },
      body,
    });
    done = true;
    await poll;
    return { status: response.status, message: response.body.message, healthy };
  }

  const manyKeys = (count: number) =>
    `{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')},"name":"x","nested":{"quantity":1}}`;

  it('refuses a body with 200,000 keys at once, and health keeps answering', async () => {
    const body = manyKeys(200_000);
    expect(body.length).toBeGreaterThan(2_000_000);
    expect(await hostile(body)).toMatchObject({ status: 413, healthy: true });
  });

  it('refuses an object with too many keys before transforming it, naming the limit', async () => {
    const result = await hostile(manyKeys(20_000));
    expect(result).toMatchObject({
      status: 400,
      message: ['body: more than 256 fields in one object'],
      healthy: true,
    });
  });

  it('refuses a body nested 10,000 levels deep with 400, not a crash', async () => {
    const body = `{"name":"x","nested":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const result = await hostile(body);
    expect(result.status).toBe(400);
    expect(result.message).toEqual([expect.stringMatching(/^nested(\.a)+: nested deeper than 32 levels$/)]);
  });

  it.each(['null', '"x"', '[]', '42'])('refuses %s as a body: it must be a JSON object', async (body) => {
    const result = await hostile(body);
    expect(result).toMatchObject({ status: 400, message: ['body must be a JSON object'] });
  });

  it('names every invalid field, nested ones with their path', async () => {
    const response = await sut.request('/v1/things', {
      method: 'POST',
      apiKey: orgA.apiKey,
      json: { name: 'a name that is far too long', nested: { quantity: -1 } },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.body.message).toEqual([
      'name must be shorter than or equal to 20 characters',
      'nested.quantity: quantity must not be less than 0',
    ]);
  });

  it('accepts a valid body and scopes it to the caller', async () => {
    const response = await sut.request('/v1/things', {
      method: 'POST',
      apiKey: orgA.apiKey,
      json: { name: 'ok', nested: { quantity: 2 } },
    });
    expect(response).toEqual({
      status: 201,
      body: { orgId: orgA.orgId, received: { name: 'ok', nested: { quantity: 2 } } },
    });
  });

  it('documents in OpenAPI what the API checks and answers', async () => {
    const docs = (await sut.request('/docs-json')).body;
    const thing = docs.components.schemas.CreateThing;
    expect(thing.properties.name).toMatchObject({ type: 'string', maxLength: 20 });
    expect(thing.required).toEqual(expect.arrayContaining(['name', 'nested']));
    expect(docs.components.schemas.Nested.properties.quantity).toMatchObject({ minimum: 0 });
    const create = docs.paths['/v1/things'].post;
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['400', '401', '413', '429']));
    expect(create.responses['400'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ErrorResponse',
    );
    expect(Object.keys(docs.paths['/v1/things/{id}'].get.responses)).toContain('404');
    expect(docs.paths['/health/live'].get.security).toEqual([]);
    expect(docs.components.securitySchemes.bearer.bearerFormat).not.toBe('JWT');
  });

  it('serves health, metrics and OpenAPI without a key', async () => {
    expect(await sut.request('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await sut.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toEqual({ mongo: { status: 'up' }, rabbitmq: { status: 'up' } });
    const metrics = await sut.request('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('nodejs_heap_size_total_bytes');
    const docs = await sut.request('/docs-json');
    expect(docs.body.paths['/v1/things/{id}']).toBeDefined();
    expect((await sut.request('/docs')).status).toBe(200);
  });
});

describe('platform: abuse limits (real app, Mongo)', () => {
  let sut: TestApp;
  let org: { orgId: string; apiKey: string };

  beforeAll(async () => {
    sut = await startTestApp(ThingsAppModule, {
      RATE_LIMIT_PER_KEY: '8',
      RATE_LIMIT_PER_IP: '4',
    });
    org = await createTestOrg(sut.app, randomAccountId());
  });

  afterAll(() => sut.close());

  /** Mongo commands this process has sent (the counter every service exports). */
  const mongoCommands = async () => {
    const metrics: string = (await sut.request('/metrics')).body;
    return [...metrics.matchAll(/^cppo_mongo_commands_total\{[^}]*\} (\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  };

  it('counts a valid key on its own, up to RATE_LIMIT_PER_KEY, then 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await sut.request('/v1/things/missing', { apiKey: org.apiKey })).status);
    // The first request too: a key not known yet is checked by the limiter, never counted as the client's.
    expect(statuses).toEqual([...Array(8).fill(404), 429, 429]);
  });

  it('answers a repeated unknown key from memory, then 429 with Retry-After per client IP', async () => {
    const wrong = { apiKey: 'cppo_guessed-key-0000000000000000000000000000000' };
    expect((await sut.request('/v1/things/x', wrong)).status).toBe(401);
    const before = await mongoCommands();
    expect((await sut.request('/v1/things/x', wrong)).status).toBe(401);
    expect((await sut.request('/v1/things/x', wrong)).status).toBe(401);
    expect(await mongoCommands()).toBe(before);
    expect((await sut.request('/v1/things/x', { apiKey: 'cppo_another-guess' })).status).toBe(401);
    const limited = await sut.request('/v1/things/x', { apiKey: 'cppo_a-third-guess' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    const raw = await fetch(`${sut.url}/v1/things/x`);
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    // Probes, scrapers and docs are never limited.
    for (let i = 0; i < 10; i++) expect((await sut.request('/health/live')).status).toBe(200);
    expect((await sut.request('/docs-json')).status).toBe(200);
  });
});

describe('platform: slow requests (real app)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp(ThingsAppModule, { HTTP_REQUEST_TIMEOUT_MS: '2000' });
  });

  afterAll(() => sut.close());

  it('cuts off a body sent a byte at a time after HTTP_REQUEST_TIMEOUT_MS, while health answers (#25)', async () => {
    const { port } = new URL(sut.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const opened = Date.now();
    socket.write(
      'POST /v1/things HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n',
    );
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const drip = setInterval(() => socket.writable && socket.write(' '), 300);
    try {
      expect((await sut.request('/health/live')).status).toBe(200);
      await once(socket, 'close');
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    const held = Date.now() - opened;
    expect(held).toBeGreaterThanOrEqual(1900);
    expect(held).toBeLessThan(6000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 15_000);
});
