import { randomBytes, randomUUID } from 'node:crypto';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Webhook } from 'standardwebhooks';
import { RoutingKeys, type MessageEnvelope, type RoutingKey } from '@cppo/contracts';
import { buildEnvelope, EventPublisher } from '@cppo/messaging';
import { AuditEventRepository } from '@cppo/persistence';
import { createTestOrg, randomAccountId, startTestApp, type TestApp } from '@cppo/platform/testing';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from '@cppo/testing';
import { AppModule } from './app.module';
import { WEBHOOK_SUBSCRIPTIONS } from './delivery/event-types';

const CONSUMERS = [{ purpose: 'events', subscriptions: WEBHOOK_SUBSCRIPTIONS }];
const KEY = randomBytes(32).toString('base64');

/** The webhooks service in this process: real RabbitMQ, the Mongo provider, a local receiver. */
describe('webhooks: signed deliveries, retries, filters, the SSRF guard (RabbitMQ, Mongo provider)', () => {
  let sut: TestApp;
  let receiver: WebhookReceiver;
  let org: { orgId: string; apiKey: string };
  let other: { orgId: string; apiKey: string };

  const settings = {
    WEBHOOK_SECRET_KEY: KEY,
    WEBHOOK_RETRY_SCHEDULE: '0,150ms,150ms,150ms',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_TIMEOUT_MS: '1500',
    WEBHOOK_POLL_MS: '200',
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sut = await startTestApp(AppModule, settings, CONSUMERS);
    org = await createTestOrg(sut.app, randomAccountId());
    other = await createTestOrg(sut.app, randomAccountId());
  });

  afterAll(async () => {
    await sut?.close();
    await receiver?.close();
  });

  const create = (path: string, json: Record<string, unknown> = {}, apiKey = org.apiKey) =>
    sut.request('/v1/webhooks/endpoints', {
      method: 'POST',
      apiKey,
      json: { url: `${receiver.url}${path}`, ...json },
    });

  function publish<K extends RoutingKey>(
    key: K,
    payload: Record<string, unknown>,
    orgId = org.orgId,
    messageId = randomUUID(),
  ): Promise<MessageEnvelope> {
    const envelope = buildEnvelope(key, payload as never, { orgId, messageId }) as MessageEnvelope;
    return sut.app
      .get(EventPublisher)
      .publishEnvelope(envelope)
      .then(() => envelope);
  }

  const activated = (entitlementId: string) => ({
    entitlementId,
    agreementId: `agmt-${entitlementId}`,
    type: 'CPPO',
    status: 'ACTIVE',
    opportunityId: 'opp_1',
    offerId: 'off_1',
    buyerAccountId: '444455556666',
    licenseArn: `arn:aws:license-manager::111122223333:license:l-${entitlementId}`,
    productId: 'prod-1',
    version: 2,
  });

  const at = (path: string) => receiver.received.filter((r) => r.path === path);

  it('delivers each event once, signed as Standard Webhooks verifies, with the entity and its version', async () => {
    const created = await create('/once', { eventTypes: ['entitlement.*'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      enabled: true,
      eventTypes: ['entitlement.*'],
      secret: expect.stringMatching(/^whsec_/),
    });
    const event = await publish(RoutingKeys.EntitlementActivated, activated('ent-once'));
    // the bus delivers it again (at least once): still one message, one delivery
    await sut.app.get(EventPublisher).publishEnvelope(event);
    const [got] = await waitFor(() => (at('/once').length ? at('/once') : undefined), {
      what: 'the delivery',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(at('/once')).toHaveLength(1);
    const verified = new Webhook(created.body.secret).verify(got.body, got.headers) as Record<string, any>;
    expect(verified).toEqual({
      type: 'entitlement.activated',
      timestamp: event.occurredAt,
      data: expect.objectContaining({
        entitlementId: 'ent-once',
        agreementId: 'agmt-ent-once',
        version: 2,
        offerId: 'off_1',
        opportunityId: 'opp_1',
      }),
    });
    expect(() =>
      new Webhook(`whsec_${randomBytes(24).toString('base64')}`).verify(got.body, got.headers),
    ).toThrow();
    // the secret is stored sealed, never as given
    const raw = await sut.app
      .get<Connection>(getConnectionToken())
      .collection('webhook_endpoints')
      .findOne({ _id: created.body.id as never });
    expect(JSON.stringify(raw)).not.toContain(created.body.secret.slice(6));
    const messages = await sut.request(`/v1/webhooks/endpoints/${created.body.id}/messages`, {
      apiKey: org.apiKey,
    });
    expect(messages.body.items).toEqual([
      expect.objectContaining({
        id: got.headers['webhook-id'],
        type: 'entitlement.activated',
        status: 'DELIVERED',
        attempts: [expect.objectContaining({ statusCode: 204 })],
      }),
    ]);
  });

  it('entitlement.activated waits for the licence and the offer: once per entitlement, complete', async () => {
    await create('/activation', { eventTypes: ['entitlement.*'] });
    const bare = {
      ...activated('ent_6b11744918f0000aaaaaaaaaaaaaaaaaaaa'),
      licenseArn: undefined,
      offerId: undefined,
    };
    await publish(RoutingKeys.EntitlementActivated, bare); // AWS's licence event not in yet
    await publish(RoutingKeys.EntitlementUpdated, {
      ...bare,
      licenseArn: 'arn:aws:license-manager::1:license:l-1',
      version: 3,
    });
    const complete = { ...activated('ent_6b11744918f0000aaaaaaaaaaaaaaaaaaaa'), version: 4 };
    await publish(RoutingKeys.EntitlementUpdated, complete); // now the offer is linked too
    await publish(RoutingKeys.EntitlementUpdated, { ...complete, version: 5 });
    const types = () =>
      at('/activation').map((r) => JSON.parse(r.body) as { type: string; data: { version: number } });
    await waitFor(() => (types().length >= 5 ? true : undefined), { what: 'five deliveries' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const activations = types().filter((t) => t.type === 'entitlement.activated');
    expect(activations).toHaveLength(1);
    expect(activations[0].data).toMatchObject({
      licenseArn: expect.any(String),
      offerId: 'off_1',
      version: 4,
    });
    expect(
      types()
        .filter((t) => t.type === 'entitlement.updated')
        .map((t) => t.data.version)
        .sort(),
    ).toEqual([2, 3, 4, 5]);
  });

  it('cancellation requests and refunds reach the entitlement.* types; every notice stays an agreement.notice', async () => {
    await create('/lifecycle', {
      eventTypes: [
        'entitlement.cancellation_requested',
        'entitlement.cancellation_resolved',
        'entitlement.adjusted',
      ],
    });
    await create('/notices', { eventTypes: ['agreement.notice'] });
    const notice = (detailType: string, notice: string, stage?: string) => ({
      eventId: `ev-${detailType}`,
      eventTime: '2026-12-03T10:00:00.000Z',
      agreementId: 'agmt-lifecycle',
      detailType,
      notice,
      ...(stage ? { stage } : {}),
    });
    for (const [detailType, kind, stage] of [
      [
        'Agreement Cancellation Request Pending Approval - Manufacturer',
        'cancellation-request',
        'Pending Approval',
      ],
      ['Agreement Cancellation Request Rejected - Manufacturer', 'cancellation-request', 'Rejected'],
      ['Purchase Agreement Billing Adjustment Completed - Manufacturer', 'billing-adjustment', 'Completed'],
      ['Purchase Agreement Billing Adjustment Failed - Manufacturer', 'billing-adjustment', 'Failed'],
      ['Purchase Agreement Advisory Issued - Manufacturer', 'advisory-issued', undefined],
    ] as const)
      await publish(RoutingKeys.AgreementNotice, notice(detailType, kind, stage));
    await waitFor(() => (at('/notices').length >= 5 && at('/lifecycle').length >= 3 ? true : undefined), {
      what: 'five notices and three lifecycle webhooks',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const got = at('/lifecycle').map((r) => JSON.parse(r.body) as { type: string; data: { stage: string } });
    expect(got.map((g) => [g.type, g.data.stage]).sort()).toEqual([
      ['entitlement.adjusted', 'Completed'],
      ['entitlement.cancellation_requested', 'Pending Approval'],
      ['entitlement.cancellation_resolved', 'Rejected'],
    ]);
    expect(at('/notices')).toHaveLength(5);
  });

  it('503 twice, then 2xx: three attempts with the same webhook-id and new timestamps', async () => {
    // Retry-After: 1 is honoured (the schedule says 150 ms), so the timestamps (seconds) differ too
    receiver.answer('/flaky', { status: 503, retryAfter: '1' }, { status: 503, retryAfter: '1' });
    const created = await create('/flaky');
    await publish(RoutingKeys.EntitlementActivated, activated('ent-flaky'));
    const tries = await waitFor(() => (at('/flaky').length >= 3 ? at('/flaky') : undefined), {
      what: 'three attempts',
    });
    expect(new Set(tries.map((t) => t.headers['webhook-id'])).size).toBe(1);
    expect(new Set(tries.map((t) => t.headers['webhook-timestamp'])).size).toBe(3);
    expect(tries[2].at - tries[1].at).toBeGreaterThanOrEqual(1000); // Retry-After: 1 over the schedule's 150 ms
    expect(tries.map((t) => t.headers['webhook-signature'])).toEqual([
      ...new Set(tries.map((t) => t.headers['webhook-signature'])),
    ]);
    for (const t of tries) new Webhook(created.body.secret).verify(t.body, t.headers);
    const list = await waitFor(
      async () => {
        const { body } = await sut.request(`/v1/webhooks/endpoints/${created.body.id}/messages`, {
          apiKey: org.apiKey,
        });
        return body.items[0]?.status === 'DELIVERED' ? body : undefined;
      },
      { what: 'DELIVERED' },
    );
    expect(list.items[0].attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 503, 204]);
  });

  it('gives up after the schedule, and a replay sends the same webhook-id again', async () => {
    receiver.answer('/down', 500, 500, 500, 500);
    const created = await create('/down');
    await publish(RoutingKeys.EntitlementActivated, activated('ent-down'));
    const failed = await waitFor(
      async () => {
        const { body } = await sut.request(
          `/v1/webhooks/endpoints/${created.body.id}/messages?status=GAVE_UP`,
          { apiKey: org.apiKey },
        );
        return body.items[0];
      },
      { what: 'GAVE_UP' },
    );
    expect(failed.attempts).toHaveLength(4);
    const replay = await sut.request(
      `/v1/webhooks/endpoints/${created.body.id}/messages/${failed.id}/replay`,
      { method: 'POST', apiKey: org.apiKey },
    );
    expect(replay.status).toBe(202);
    await waitFor(() => (at('/down').length === 5 ? true : undefined), { what: 'the replay' });
    expect(at('/down')[4].headers['webhook-id']).toBe(failed.id);
    const other404 = await sut.request(
      `/v1/webhooks/endpoints/${created.body.id}/messages/${failed.id}/replay`,
      { method: 'POST', apiKey: other.apiKey },
    );
    expect(other404.status).toBe(404);
  });

  it('410 Gone disables the endpoint (with an audit entry) and nothing more is sent', async () => {
    receiver.answer('/gone', 410);
    const created = await create('/gone');
    await publish(RoutingKeys.EntitlementActivated, activated('ent-gone-1'));
    const disabled = await waitFor(
      async () => {
        const { body } = await sut.request(`/v1/webhooks/endpoints/${created.body.id}`, {
          apiKey: org.apiKey,
        });
        return body.enabled === false ? body : undefined;
      },
      { what: 'disabled' },
    );
    expect(disabled.disabledReason).toContain('410');
    const audit = await sut.app.get(AuditEventRepository).listForEntity(org.orgId, created.body.id);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'endpoint.disabled', actor: 'service:webhooks' }),
    ]);
    await publish(RoutingKeys.EntitlementActivated, activated('ent-gone-2'));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(at('/gone')).toHaveLength(1);
  });

  it("filters by type, and never sends an org's events to another org's endpoint", async () => {
    await create('/metering', { eventTypes: ['metering.*'] });
    await create('/other-org', {}, other.apiKey);
    await create('/everything');
    await publish(RoutingKeys.EntitlementActivated, activated('ent-filter'));
    await publish(RoutingKeys.MeteringFailed, {
      reportId: 'mr_1',
      entitlementId: 'ent-filter',
      dimension: 'api_calls',
      hour: '2026-12-03T10:00:00.000Z',
      quantity: 3,
      status: 'FAILED',
      reason: 'x',
    });
    await waitFor(() => (at('/everything').length >= 2 ? true : undefined), {
      what: 'both events at /everything',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(at('/metering').map((r) => JSON.parse(r.body).type)).toEqual(['metering.report.flagged']);
    expect(at('/other-org')).toHaveLength(0);
  });

  it('after a rotation, old and new secrets both verify during the overlap', async () => {
    const created = await create('/rotated');
    const rotated = await sut.request(`/v1/webhooks/endpoints/${created.body.id}/rotate-secret`, {
      method: 'POST',
      apiKey: org.apiKey,
    });
    expect(rotated.status).toBe(200);
    const test = await sut.request(`/v1/webhooks/endpoints/${created.body.id}/test`, {
      method: 'POST',
      apiKey: org.apiKey,
    });
    expect(test.status).toBe(202);
    const [got] = await waitFor(() => (at('/rotated').length ? at('/rotated') : undefined), {
      what: 'the test event',
    });
    expect(got.headers['webhook-id']).toBe(test.body.messageId);
    expect(got.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(created.body.secret).verify(got.body, got.headers)).toMatchObject({
      type: 'webhook.test',
    });
    expect(new Webhook(rotated.body.secret).verify(got.body, got.headers)).toMatchObject({
      type: 'webhook.test',
    });
  });

  it('refuses private, loopback, link-local and plain-http targets with the rule, and 404s another org', async () => {
    for (const [url, rule] of [
      ['https://169.254.169.254/latest/meta-data', /link-local/],
      ['https://10.0.0.1/', /private/],
      ['https://[::1]/', /loopback/],
      ['https://[fd00::1]/', /private/],
      ['https://0.0.0.0/', /unspecified/],
      ['https://[::ffff:127.0.0.1]/', /loopback/],
      ['http://example.com/', /https/],
      ['https://localhost:8443/', /resolves to .*loopback/],
    ] as const) {
      const { status, body } = await sut.request('/v1/webhooks/endpoints', {
        method: 'POST',
        apiKey: org.apiKey,
        json: { url },
      });
      expect({ url, status }).toEqual({ url, status: 400 });
      expect(body.message.join(' ')).toMatch(rule);
    }
    const bad = await sut.request('/v1/webhooks/endpoints', {
      method: 'POST',
      apiKey: org.apiKey,
      json: { url: 'https://hooks.example.com/', eventTypes: ['entitlement.created', 'nothing.*'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message.join(' ')).toMatch(/eventTypes/);
    const mine = await create('/mine');
    for (const path of ['', '/messages']) {
      expect(
        (await sut.request(`/v1/webhooks/endpoints/${mine.body.id}${path}`, { apiKey: other.apiKey })).status,
      ).toBe(404);
    }
    expect(
      (
        await sut.request(`/v1/webhooks/endpoints/${mine.body.id}`, {
          method: 'DELETE',
          apiKey: other.apiKey,
        })
      ).status,
    ).toBe(404);
    expect(
      (await sut.request(`/v1/webhooks/endpoints`, { apiKey: other.apiKey })).body.items.map(
        (e: { id: string }) => e.id,
      ),
    ).not.toContain(mine.body.id);
  });

  it('a receiver that never answers does not delay another endpoint (measured)', async () => {
    receiver.answer('/hang', ...Array.from({ length: 40 }, () => 'hang' as const));
    await create('/hang');
    await create('/fast');
    const sent = Date.now();
    for (let i = 0; i < 20; i++)
      await publish(RoutingKeys.MeteringReported, {
        reportId: `mr-hang-${i}`,
        entitlementId: `ent-hang-${i}`,
        dimension: 'api_calls',
        hour: '2026-12-03T10:00:00.000Z',
        quantity: i,
        status: 'REPORTED',
      });
    const fast = await waitFor(() => (at('/fast').length === 20 ? at('/fast') : undefined), {
      what: '20 at /fast',
      timeoutMs: 10_000,
    });
    const latest = Math.max(...fast.map((r) => r.at)) - sent;
    // all 20 arrive while the hanging endpoint's first attempts are still waiting out their 1.5 s timeout
    expect(latest).toBeLessThan(1500);
  });

  it('an endpoint failing for WEBHOOK_DISABLE_AFTER is disabled (audited); a redirect is a failure, not followed', async () => {
    const strict = await startTestApp(
      AppModule,
      {
        ...settings,
        WEBHOOK_DISABLE_AFTER: '400ms',
        WEBHOOK_RETRY_SCHEDULE: '0,300ms,300ms,300ms,300ms',
        MONGO_URL: sut.env['MONGO_URL'],
      },
      [],
    );
    try {
      const moved = { status: 302, location: `${receiver.url}/moved-here` };
      receiver.answer('/moved', moved, moved, moved, moved, moved);
      const created = await strict.request('/v1/webhooks/endpoints', {
        method: 'POST',
        apiKey: org.apiKey,
        json: { url: `${receiver.url}/moved` },
      });
      await strict.request(`/v1/webhooks/endpoints/${created.body.id}/test`, {
        method: 'POST',
        apiKey: org.apiKey,
      });
      const disabled = await waitFor(
        async () => {
          const { body } = await strict.request(`/v1/webhooks/endpoints/${created.body.id}`, {
            apiKey: org.apiKey,
          });
          return body.enabled === false ? body : undefined;
        },
        { what: 'disabled after failing for 400 ms' },
      );
      expect(disabled.disabledReason).toMatch(/every attempt failed since/);
      const audit = await strict.app.get(AuditEventRepository).listForEntity(org.orgId, created.body.id);
      expect(audit).toEqual([expect.objectContaining({ action: 'endpoint.disabled' })]);
      const { body } = await strict.request(`/v1/webhooks/endpoints/${created.body.id}/messages`, {
        apiKey: org.apiKey,
      });
      expect(body.items[0].attempts.slice(0, 2)).toEqual([
        expect.objectContaining({ statusCode: 302 }),
        expect.objectContaining({ statusCode: 302 }),
      ]);
      // the redirect's target was never asked
      expect(receiver.received.filter((r) => r.path === '/moved').length).toBeGreaterThanOrEqual(2);
      expect(receiver.received.filter((r) => r.path === '/moved-here')).toEqual([]);
      // null is "no change", never a stored null
      const unchanged = await strict.request(`/v1/webhooks/endpoints/${created.body.id}`, {
        method: 'PATCH',
        apiKey: org.apiKey,
        json: { enabled: null, url: null, description: null },
      });
      expect(unchanged.body).toMatchObject({ enabled: false, url: `${receiver.url}/moved` });
      // enabled again by a person: the streak and the reason are gone
      const enabled = await strict.request(`/v1/webhooks/endpoints/${created.body.id}`, {
        method: 'PATCH',
        apiKey: org.apiKey,
        json: { enabled: true },
      });
      expect(enabled.body).toMatchObject({ enabled: true });
      expect(enabled.body.disabledReason).toBeUndefined();
      expect(enabled.body.failingSince).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('a name that resolves to loopback is refused at connect time once it is no longer allowed', async () => {
    const port = new URL(receiver.url).port;
    const allowing = await startTestApp(AppModule, {
      ...settings,
      WEBHOOK_ALLOWED_HOSTS: 'localhost',
      MONGO_URL: sut.env['MONGO_URL'],
    });
    const created = await allowing.request('/v1/webhooks/endpoints', {
      method: 'POST',
      apiKey: org.apiKey,
      json: { url: `https://localhost:${port}/rebound` },
    });
    await allowing.close();
    expect(created.status).toBe(201);
    await sut.request(`/v1/webhooks/endpoints/${created.body.id}/test`, {
      method: 'POST',
      apiKey: org.apiKey,
    });
    const message = await waitFor(
      async () => {
        const { body } = await sut.request(`/v1/webhooks/endpoints/${created.body.id}/messages`, {
          apiKey: org.apiKey,
        });
        return body.items[0]?.attempts.length ? body.items[0] : undefined;
      },
      { what: 'an attempt' },
    );
    expect(message.attempts[0].error).toMatch(/localhost resolves to .*loopback.*refused/);
    expect(at('/rebound')).toHaveLength(0);
  });
});
