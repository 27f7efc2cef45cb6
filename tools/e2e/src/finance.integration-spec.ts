import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import {
  CHROMIUM,
  daysFromNow,
  minimalOpportunity,
  PARTNER,
  PRODUCT,
  startConsoleDevServer,
  startWebhookReceiver,
  waitFor,
  type WebhookReceiver,
} from '@cppo/testing';
import { startStack, type Stack } from './testing/stack';

const HOUR = 3_600_000;
const BUCKET = 'cppo-sdds';

/**
 * Finance end to end: the simulator delivers AWS's seller data feeds (SDDS) to the local S3 for the deals
 * it played; the finance service imports them and reconciles each deal against what we expected.
 */
describe('finance: SDDS feeds imported and every deal reconciled', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  let secret: string;
  let deal: { id: string; licenseArn: string; acceptanceTime: string };
  let failing: { id: string };
  let importId: string;

  const sim = (method: string, path: string, body?: unknown) => stack.sim.scenario(method, path, body);

  async function active(body: Record<string, unknown>): Promise<any> {
    const created = await stack.call('opportunity', '/v1/opportunities', { json: body });
    if (created.status !== 202) throw new Error(JSON.stringify(created.body));
    return waitFor(
      async () => {
        const { body: o } = await stack.call('opportunity', `/v1/opportunities/${created.body.id}`);
        return o.status === 'ACTIVE' ? o : undefined;
      },
      { timeoutMs: 20_000, what: `${String(body['name'])} ACTIVE` },
    );
  }

  async function accept(ra: string, buyer: string, startTime?: string) {
    const offer = await sim('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: ra,
      partnerAccountId: PARTNER,
      buyerAccountIds: [buyer],
    });
    const accepted = await sim('POST', '/_sim/buyer/accept', {
      offerId: offer.body.id,
      buyerAccountId: buyer,
      startTime,
    });
    return accepted.body;
  }

  async function runImport(): Promise<any> {
    const started = await stack.call('finance', '/v1/finance/imports', { method: 'POST' });
    expect(started.status).toBe(202);
    return waitFor(
      async () => {
        const { body } = await stack.call('finance', `/v1/finance/imports/${started.body.id}`);
        return body.status === 'RUNNING' ? undefined : body;
      },
      { timeoutMs: 60_000, what: 'the import' },
    );
  }

  const hooks = () =>
    receiver.received
      .filter((r) => r.path === '/finance')
      .map((r) => new Webhook(secret).verify(r.body, r.headers) as { type: string; data: any });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stack = await startStack({ finance: true });
    secret = (
      await stack.call('webhooks', '/v1/webhooks/endpoints', {
        json: { url: `${receiver.url}/finance`, eventTypes: ['finance.*'] },
      })
    ).body.secret;
    // 10,000 USD in two installments, usage at 0.002 a call
    const installments = await active({
      name: 'Finance installments',
      productId: PRODUCT,
      resellerAccountId: PARTNER,
      buyerAccountIds: ['444455556666'],
      singleUse: true,
      expiryDate: daysFromNow(20),
      commitAmount: {
        amount: '10000.00',
        currency: 'USD',
        duration: 'P12M',
        grants: [{ dimensionKey: 'users', quantity: 10 }],
      },
      installments: [
        { chargeDate: daysFromNow(30), amount: '5000.00' },
        { chargeDate: daysFromNow(60), amount: '5000.00' },
      ],
      usageDimensionPrices: [
        { dimensionKey: 'api_calls', price: '0.002' },
        { dimensionKey: 'storage_gb', price: '0.1' },
      ],
    });
    const upfront = await active(minimalOpportunity('Finance upfront')); // 1,200 USD upfront
    const hour = (n: number) => Math.floor(Date.now() / HOUR) * HOUR - n * HOUR;
    deal = await accept(
      installments.marketplace.resaleAuthorizationId,
      '444455556666',
      new Date(hour(4)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    );
    failing = await accept(upfront.marketplace.resaleAuthorizationId, '555566667777');
    const entitlement = await waitFor(
      async () => {
        const { body } = await stack.call('entitlement', '/v1/entitlements?limit=200');
        return body.items.find(
          (e: any) => e.agreementId === deal.id && e.status === 'ACTIVE' && e.licenseArn,
        );
      },
      { what: 'the entitlement' },
    );
    // three hours of overage: 1000 + 2000 + 3000 calls
    const usage = await stack.call('metering', '/v1/usage-records', {
      json: {
        records: [3, 2, 1].map((n, i) => ({
          entitlementId: entitlement.id,
          dimension: 'api_calls',
          quantity: (i + 1) * 1000,
          timestamp: new Date(hour(n) + 60_000).toISOString(),
          idempotencyKey: randomUUID(),
        })),
      },
    });
    expect(usage.body.results.map((r: any) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    await waitFor(
      async () => {
        const { body } = await sim('GET', '/_sim/metering-records');
        return body.filter((r: any) => r.licenseArn === deal.licenseArn).length === 3 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'three hours reported to AWS' },
    );
    await waitFor(
      async () => {
        const { body } = await stack.call('metering', `/v1/metering-reports?entitlementId=${entitlement.id}`);
        return body.items.filter((r: any) => r.status === 'REPORTED').length === 3 ? true : undefined;
      },
      { what: 'three REPORTED reports' },
    );

    // what AWS will also deliver: a billing event for an agreement we do not know, a line that is not CSV,
    // the deal's agreement row superseded (a later update) and an older version of it (ignored), a deleted row
    const stamp = deal.acceptanceTime;
    const later = new Date(Date.now() + 86_400_000).toISOString();
    await sim('PUT', '/_sim/config', { sddsDisbursementFails: [failing.id] });
    await sim('POST', '/_sim/sdds/rows', {
      feed: 'billingevent',
      row: {
        billing_event_id: 'be-unknown-agreement-1',
        agreement_id: 'agmt-unknown00000000000000001',
        action: 'INVOICED',
        transaction_type: 'SELLER_REV_SHARE',
        amount: '10.00',
        currency: 'USD',
        invoice_date: later,
        insert_date: later,
      },
    });
    await sim('POST', '/_sim/sdds/rows', { feed: 'billingevent', raw: 'be-malformed,only,three' });
    for (const [update, end, deleted] of [
      [later, '2030-01-01T00:00:00Z', undefined],
      ['2000-01-01T00:00:00Z', '2001-01-01T00:00:00Z', undefined],
    ])
      await sim('POST', '/_sim/sdds/rows', {
        feed: 'agreement',
        row: {
          valid_from: stamp,
          insert_date: update,
          update_date: update,
          delete_date: deleted,
          agreement_id: deal.id,
          status: 'ACTIVE',
          end_date: end,
        },
      });
    await sim('POST', '/_sim/sdds/rows', {
      feed: 'agreement',
      row: {
        valid_from: later,
        insert_date: later,
        update_date: later,
        delete_date: later,
        agreement_id: deal.id,
        status: 'TERMINATED',
      },
    });
    expect(
      (await stack.call('finance', '/v1/finance/settings', { method: 'PUT', json: { bucket: BUCKET } }))
        .status,
    ).toBe(200);
    const delivered = await sim('POST', `/_sim/sdds/deliver?through=${daysFromNow(70)}`, {});
    expect(delivered.status).toBe(200);
    const done = await runImport();
    expect(done).toMatchObject({ status: 'DONE', parked: 1 });
    importId = done.id;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('the deal: expected = invoiced (10,000 + the overage), a negative listing fee, disbursed = invoiced − fee, with dates', async () => {
    const { status, body } = await stack.call('finance', `/v1/finance/deals/${deal.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      agreementId: deal.id,
      status: 'OK',
      currency: 'USD',
      expectedCommit: '10000.00',
      expectedOverage: '12.00', // 6,000 calls at 0.002
      expected: '10012.00',
      invoiced: '10012.00',
      partnerAccountId: PARTNER,
      buyerAccountId: '444455556666',
      opportunityId: expect.any(String),
      entitlementId: expect.stringMatching(/^ent_/),
    });
    const cents = (s: string) => Math.round(Number(s) * 100);
    expect(cents(body.listingFee)).toBeLessThan(0);
    expect(cents(body.disbursed)).toBe(cents(body.invoiced) + cents(body.listingFee));
    expect(body.disbursements.length).toBeGreaterThanOrEqual(3); // usage, then each installment, 7 days later
    for (const d of body.disbursements)
      expect(d).toMatchObject({
        date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        reference: expect.stringMatching(/^trace-/),
      });
    expect(body.disbursements.some((d: any) => d.failed)).toBe(false);
    // the superseded agreement row's later value wins; the deleted row is gone; the older version changed nothing
    expect(body).toMatchObject({ agreementStatus: 'ACTIVE', agreementEndDate: '2030-01-01T00:00:00Z' });
  });

  it('a failed disbursement and a billing event for an unknown agreement each open exactly one exception and one webhook', async () => {
    const { body } = await stack.call('finance', '/v1/finance/exceptions?status=OPEN');
    const kinds = body.items.map((e: any) => `${e.kind}:${e.agreementId}`).sort();
    expect(kinds).toEqual(
      [`DISBURSEMENT_FAILURE:${failing.id}`, 'UNKNOWN_AGREEMENT:agmt-unknown00000000000000001'].sort(),
    );
    const failingDeal = (await stack.call('finance', `/v1/finance/deals/${failing.id}`)).body;
    expect(failingDeal).toMatchObject({ status: 'EXCEPTION', disbursed: '0.00' });
    expect(failingDeal.disbursements).toEqual([expect.objectContaining({ failed: true })]);
    await waitFor(() => (hooks().length >= 2 ? true : undefined), { what: 'two finance webhooks' });
    await new Promise((r) => setTimeout(r, 1000));
    expect(
      hooks()
        .map((h) => `${h.type}:${h.data.kind}`)
        .sort(),
    ).toEqual(
      ['finance.exception.opened:DISBURSEMENT_FAILURE', 'finance.exception.opened:UNKNOWN_AGREEMENT'].sort(),
    );
  });

  it('a malformed line is parked with its file and line; the rest of the file was imported', async () => {
    const { body } = await stack.call('finance', '/v1/finance/parked');
    expect(body.items).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/^billingevent_v1\/year=\d{4}\/month=\d{2}\/data\.csv$/),
        line: expect.any(Number),
        reason: expect.stringMatching(/not CSV as its header says/),
        raw: expect.stringContaining('be-malformed'),
      }),
    ]);
    expect(body.items[0].line).toBeGreaterThan(1);
  });

  it('importing the same files again changes nothing', async () => {
    const before = (await stack.call('finance', `/v1/finance/deals/${deal.id}`)).body;
    const again = await runImport();
    expect(again).toMatchObject({ status: 'DONE', filesImported: 0, rows: 0, parked: 0 });
    expect(again.filesSkipped).toBe(again.filesSeen);
    expect(again.id).not.toBe(importId);
    const after = (await stack.call('finance', `/v1/finance/deals/${deal.id}`)).body;
    const { updatedAt: _a, ...a } = after;
    const { updatedAt: _b, ...b } = before;
    expect(a).toEqual(b);
    expect((await stack.call('finance', '/v1/finance/exceptions')).body.items).toHaveLength(2);
  });

  it("AWS's usage for a day differs from our ledger: one USAGE_MISMATCH; summaries and CSV export", async () => {
    const day = new Date(Date.now() - HOUR).toISOString().slice(0, 10);
    await sim('POST', '/_sim/sdds/rows', {
      feed: 'dailyusage',
      row: {
        usage_date: day,
        insert_date: new Date(Date.now() + 90 * 86_400_000).toISOString(),
        agreement_id: deal.id,
        dimension_key: 'api_calls',
        quantity: '99999',
      },
    });
    await sim('POST', `/_sim/sdds/deliver?through=${daysFromNow(71)}`, {});
    expect(await runImport()).toMatchObject({ status: 'DONE', filesImported: 1, rows: expect.any(Number) });
    const { body } = await stack.call('finance', '/v1/finance/exceptions?status=OPEN');
    const mismatch = body.items.filter((e: any) => e.kind === 'USAGE_MISMATCH');
    expect(mismatch).toEqual([
      expect.objectContaining({ agreementId: deal.id, subject: `${deal.id}|api_calls|${day}` }),
    ]);
    await waitFor(() => (hooks().some((h) => h.data.kind === 'USAGE_MISMATCH') ? true : undefined), {
      what: 'the USAGE_MISMATCH webhook',
    });

    const months = (await stack.call('finance', '/v1/finance/summary?groupBy=month')).body;
    expect(months.items.length).toBeGreaterThanOrEqual(2);
    const total = months.items.reduce((s: number, m: any) => s + Math.round(Number(m.invoiced) * 100), 0);
    expect(total).toBe(1_001_200 + 120_000 + 1_000); // both deals and the unknown agreement's 10.00
    const partners = (await stack.call('finance', '/v1/finance/summary?groupBy=partner')).body;
    expect(partners.items.find((p: any) => p.key === PARTNER)).toMatchObject({ invoiced: '11212.00' });
    const file = await fetch(`${stack.urls.finance}/v1/finance/deals?format=csv`, {
      headers: { authorization: `Bearer ${stack.org.apiKey}` },
    });
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await file.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^agreementId,status,partnerAccountId/);
    expect(lines.some((l) => l.startsWith(`${deal.id},EXCEPTION`))).toBe(true);
    // another org sees none of it
    expect(
      (await stack.call('finance', `/v1/finance/deals/${deal.id}`, { apiKey: stack.other.apiKey })).status,
    ).toBe(404);
  });

  it("the console's Finance page: the month chart, partners, exceptions and deals, an import with its progress", async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
    const vite = await startConsoleDevServer(stack.urls);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${vite.origin}/#/finance`);
      await page.getByLabel('API key').fill(stack.org.apiKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Finance' }).waitFor();
      const deals = page.getByRole('table', { name: 'Deals' });
      await deals.getByRole('row').filter({ hasText: deal.id }).waitFor(); // loaded
      expect(await page.getByLabel('SDDS bucket').inputValue()).toBe(BUCKET);
      await page.locator('[role=img] svg .recharts-bar-rectangle').first().waitFor({ timeout: 15_000 });
      expect(await deals.getByRole('row').filter({ hasText: deal.id }).textContent()).toContain('10012.00');
      expect(await page.getByRole('table', { name: 'Open exceptions' }).textContent()).toContain(
        'DISBURSEMENT_FAILURE',
      );
      expect(await page.getByRole('table', { name: 'Per partner' }).textContent()).toContain(PARTNER);
      await page.getByRole('button', { name: 'Import now' }).click();
      await page.getByTestId('import-status').filter({ hasText: 'Import DONE' }).waitFor({ timeout: 30_000 });
      // the agreement leads to its chain
      await deals.getByRole('link', { name: deal.id }).click();
      await page.getByRole('table', { name: 'Entitlements' }).waitFor();
    } finally {
      await browser.close();
      await vite.stop();
    }
  }, 120_000);
});
