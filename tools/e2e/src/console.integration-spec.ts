import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { startStack, type Stack } from './testing/stack';
import {
  BUYER,
  CHROMIUM,
  ISV,
  freePort,
  PARTNER,
  PRODUCT,
  startConsoleDevServer,
  startProcess,
  startWebhookReceiver,
  waitFor,
  waitForHttp,
  type ManagedProcess,
} from '@cppo/testing';

const ROOT = join(__dirname, '../../..');
/** `CONSOLE_SCREENSHOTS=1 npx jest apps/console` refreshes the README's screenshots. */
const SCREENSHOTS = process.env['CONSOLE_SCREENSHOTS'] ? join(ROOT, 'docs/console') : undefined;

const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The console in a real browser against the real services and the simulator: sign in, create an
 * opportunity with every field, watch it turn ACTIVE, the partner's offer and the buyer's acceptance
 * appear on the chain page, then usage and its overage.
 */
describe('console in Chromium (five services, simulator, SQS, RabbitMQ, Mongo)', () => {
  let stack: Stack;
  let vite: ManagedProcess & { origin: string };
  let browser: Browser;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
    stack = await startStack();
    vite = await startConsoleDevServer(stack.urls);
    origin = vite.origin;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await vite?.stop();
    await stack?.stop();
  });

  const shot = async (name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  async function signIn(key: string) {
    await page.goto(`${origin}/#/opportunities`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('a wrong key gets a clear message; the right one signs in and is kept out of the URL', async () => {
    await signIn('cppo_wrong_key');
    await expectText(page.getByRole('alert'), 'This API key was not accepted');
    await shot('sign-in');
    await signIn(stack.org.apiKey);
    await page.getByRole('heading', { name: 'Opportunities' }).waitFor();
    expect(page.url()).not.toContain(stack.org.apiKey);
  }, 60_000);

  let opportunityUrl = '';

  it('creates an opportunity with every field; the API 400 shows next to the field it names; it turns ACTIVE', async () => {
    await page.getByRole('link', { name: 'Create CPPO' }).click();
    await page.getByLabel('Name').fill('Console: Acme via Partner X');
    await page.getByLabel('Description').fill('Made in the browser test');
    await page.getByLabel('Product id (AWS Marketplace)').fill(PRODUCT);
    await page.getByLabel('Reseller (partner) AWS account').fill(PARTNER);
    await page.getByLabel(/Buyer AWS accounts/).fill(`${BUYER}, 555566667777`);
    await page.getByLabel('This offer renews an existing agreement').check();
    await page.getByLabel('Upfront commitment').check();
    await page.getByLabel('Currency').selectOption('USD');
    await page.getByLabel('Amount', { exact: true }).fill('12000.00');
    await page.getByLabel('Duration').selectOption('P12M');
    await page.getByLabel('Dimension 1').first().fill('users');
    await page.getByLabel('Quantity 1').fill('100');
    const usagePrices = page.getByRole('group', { name: /Usage prices/ });
    for (const [i, [dimension, price]] of [
      ['api_calls', '0.002'],
      ['storage_gb', '0.1'],
    ].entries()) {
      await usagePrices.getByRole('button', { name: 'Add' }).click();
      await usagePrices.getByLabel(`Dimension ${i + 1}`).fill(dimension);
      await usagePrices.getByLabel(`Price per unit ${i + 1}`).fill(price);
    }
    await page.getByLabel('Expiry date').fill(daysFromNow(20));
    await page.getByLabel('Single use (one offer from it)').check();
    for (const legend of ['EULA', 'Reseller contract']) {
      const group = page.getByRole('group', { name: legend, exact: true });
      await group.getByLabel('Type').selectOption('CUSTOM');
      await group
        .getByLabel('Document URL (https)')
        .fill(`https://legal.example.com/${legend.replace(' ', '-')}.pdf`);
    }
    const schedule = page.getByRole('group', { name: /Installments/ });
    for (const [i, [date, amount]] of [
      [daysFromNow(30), '6000.00'],
      [daysFromNow(210), '5000.00'], // does not add up to the commit: the rules the API runs say so, in the form
    ].entries()) {
      await schedule.getByRole('button', { name: 'Add' }).click();
      await schedule.getByLabel(`Charge date ${i + 1}`).fill(date);
      await schedule.getByLabel(`Amount ${i + 1}`).fill(amount);
    }
    await page.getByRole('button', { name: 'Create and submit to AWS' }).click();
    await expectText(schedule.locator('xpath=following-sibling::ul[1]'), 'installments: amounts must add up');
    await shot('create-opportunity');

    await schedule.getByLabel('Amount 2').fill('6000.00');
    await page.getByRole('button', { name: 'Create and submit to AWS' }).click();
    await page.waitForURL(/#\/opportunities\/off_/);
    opportunityUrl = page.url();
    await expectText(page.getByTestId('opportunity-status'), 'ACTIVE', 30_000);
  }, 90_000);

  it('an opportunity expiring within 30 days stands out in the list, and can be listed alone', async () => {
    await page.getByRole('link', { name: 'Opportunities', exact: true }).click();
    await page.getByLabel('Expiring within 30 days').check();
    const id = opportunityUrl.split('/').pop()!;
    const row = page.getByRole('row').filter({ has: page.locator(`a[href="#/opportunities/${id}"]`) });
    await expectText(row, `${daysFromNow(20)} (in 20 days)`);
    await page.getByLabel('Expiring within 30 days').uncheck();
    await page.goto(opportunityUrl);
  });

  it('names, not ids (#29): the partner directory page; products, dimensions and partners offered by name; lists show names', async () => {
    await page.goto(`${origin}/#/partners`);
    const form = page.getByRole('form', { name: 'Add a partner' });
    await form.getByLabel('Partner name').fill('Partner X Cloud');
    await form.getByLabel('Partner AWS account').fill('1234');
    await form.getByRole('button', { name: 'Add partner' }).click();
    await expectText(form.locator('.error'), 'awsAccountId must be a 12-digit AWS account id');
    await form.getByLabel('Partner AWS account').fill(PARTNER);
    await form.getByLabel('Tags (comma-separated)').fill('emea, tier-1');
    await form.getByRole('button', { name: 'Add partner' }).click();
    await expectText(page.getByRole('row').filter({ hasText: PARTNER }), 'Partner X Cloud');

    await page.getByRole('link', { name: 'Create CPPO' }).click();
    const options = (list: string) =>
      page
        .locator(`datalist#${list} option`)
        .evaluateAll((found) => found.map((o) => `${o.getAttribute('value')}=${o.getAttribute('label')}`));
    // the form reads the products and the directory as it opens: both answers, in either order
    await waitFor(
      async () =>
        (await options('cppo-products')).length && (await options('cppo-partners')).length ? true : undefined,
      { what: 'the products and partners offered' },
    );
    expect(await options('cppo-products')).toContain(`${PRODUCT}=Acme Analytics — Public`);
    expect(await options('cppo-partners')).toEqual([`${PARTNER}=Partner X Cloud`]);
    await page.getByLabel('Product id (AWS Marketplace)').fill(PRODUCT);
    await expectText(page.getByTestId('chosen-product'), 'Acme Analytics (acmeanalytics0000000000001)');
    expect(await options('cppo-entitled')).toEqual(['users=Users (Users)', 'admins=Admin seats (Users)']);
    expect(await options('cppo-metered')).toEqual([
      'api_calls=API calls (Requests)',
      'storage_gb=Storage (GB)',
    ]);
    await page.getByLabel('Upfront commitment').check();
    expect(await page.getByLabel('Dimension 1').first().getAttribute('list')).toBe('cppo-entitled');

    await page.getByRole('link', { name: 'Opportunities', exact: true }).click();
    const id = opportunityUrl.split('/').pop()!;
    const row = page.getByRole('row').filter({ has: page.locator(`a[href="#/opportunities/${id}"]`) });
    await expectText(row, `Partner X Cloud (${PARTNER})`);
    await expectText(row, 'Acme Analytics');
    await page.goto(opportunityUrl);
  }, 60_000);

  it('renewals (#29): a deal ending within 90 days is listed with its partner and buyer; its renewal opportunity is prefilled', async () => {
    const opportunity = await stack.activeOpportunity('Console renewal source');
    const buyer = '555566667777';
    const offer = await stack.sim.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: opportunity.marketplace.resaleAuthorizationId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [buyer],
    });
    const endTime = new Date(Date.now() + 40 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await stack.sim.scenario('POST', '/_sim/buyer/accept', {
      offerId: offer.body.id,
      buyerAccountId: buyer,
      endTime,
    });
    const ending = await waitFor(
      async () => {
        const { body } = await stack.call('entitlement', '/v1/entitlements?endingWithinDays=90');
        return body.items.find((e: any) => e.buyerAccountId === buyer && e.status === 'ACTIVE');
      },
      { timeoutMs: 30_000, what: 'the deal ending in 40 days, listed' },
    );
    const { body: within30 } = await stack.call('entitlement', '/v1/entitlements?endingWithinDays=30');
    expect(within30.items.map((e: any) => e.id)).not.toContain(ending.id);

    await page.getByRole('link', { name: 'Renewals' }).click();
    const row = page.getByRole('row').filter({ hasText: buyer });
    await expectText(row, `${endTime.slice(0, 10)} (in 40 days)`);
    await expectText(row, `Partner X Cloud (${PARTNER})`);
    await expectText(row, 'Acme Analytics');
    await row.getByRole('link', { name: `Renewal opportunity for ${buyer}` }).click();
    await expectText(
      page.getByTestId('renewing'),
      `Renewing agreement ${ending.agreementId} of buyer ${buyer}`,
    );
    expect(await page.getByLabel('Product id (AWS Marketplace)').inputValue()).toBe(PRODUCT);
    expect(await page.getByLabel('Reseller (partner) AWS account').inputValue()).toBe(PARTNER);
    expect(await page.getByLabel(/Buyer AWS accounts/).inputValue()).toBe(buyer);
    expect(await page.getByLabel('This offer renews an existing agreement').isChecked()).toBe(true);
    await waitFor(
      async () => ((await page.getByLabel('Amount', { exact: true }).inputValue()) ? true : undefined),
      {
        what: "the source opportunity's terms",
      },
    );
    expect(await page.getByLabel('Amount', { exact: true }).inputValue()).toBe('1200.00');
    await page.goto(opportunityUrl);
  }, 90_000);

  it('the chain page follows the partner offer, the entitlement, then usage and its overage, without reloading', async () => {
    const id = opportunityUrl.split('/').pop()!;
    const { body: opportunity } = await stack.call('opportunity', `/v1/opportunities/${id}`);
    const offer = await stack.sim.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: opportunity.marketplace.resaleAuthorizationId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [BUYER],
    });
    const hourStart = (ago: number) => Math.floor(Date.now() / 3_600_000 - ago) * 3_600_000;
    await stack.sim.scenario('POST', '/_sim/buyer/accept', {
      offerId: offer.body.id,
      buyerAccountId: BUYER,
      startTime: new Date(hourStart(3)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    const entitlements = page.getByRole('table', { name: 'Entitlements' });
    await expectText(entitlements.getByRole('row').filter({ hasText: BUYER }), 'ACTIVE', 30_000);
    await expectText(page.getByRole('table', { name: 'Partner offers' }), offer.body.id);

    const { body: list } = await stack.call('entitlement', `/v1/entitlements?opportunityId=${id}`);
    const entitlementId = list.items[0].id;
    const usage = await stack.call('metering', '/v1/usage-records', {
      json: {
        records: [
          {
            entitlementId,
            dimension: 'api_calls',
            quantity: 2500,
            timestamp: new Date(hourStart(1) + 60_000).toISOString(),
            idempotencyKey: `console-${entitlementId}`,
          },
        ],
      },
    });
    expect(usage.body.results[0].status).toBe('accepted');
    const usageTable = page.getByRole('table', { name: `Usage of ${entitlementId}` });
    await expectText(usageTable, 'REPORTED', 30_000);
    const row = usageTable.getByRole('row').filter({ hasText: 'api_calls' });
    await expectText(row, '2500');
    await expectText(row, '5.000'); // 2500 × 0.002, the opportunity's wholesale usage price
    await shot('chain');
  }, 90_000);

  it("the chain page's timeline: a cancellation request pending, then the partner's replacement, linked both ways (#27)", async () => {
    const opportunity = await stack.activeOpportunity('Console lifecycle');
    const ra = opportunity.marketplace.resaleAuthorizationId;
    const buyer = '666677778888';
    const accept = async (replacesAgreementId?: string) => {
      const offer = await stack.sim.scenario('POST', '/_sim/partner/offers', {
        resaleAuthorizationId: ra,
        partnerAccountId: PARTNER,
        buyerAccountIds: [buyer],
        replacesAgreementId,
      });
      return (
        await stack.sim.scenario('POST', '/_sim/buyer/accept', {
          offerId: offer.body.id,
          buyerAccountId: buyer,
        })
      ).body;
    };
    const first = await accept();
    await page.goto(`${origin}/#/opportunities/${opportunity.id}`);
    const oldId = await waitFor(
      async () =>
        (await stack.call('entitlement', `/v1/entitlements?agreementId=${first.id}`)).body.items[0]?.id,
      { what: 'the entitlement' },
    );
    await expectText(page.getByRole('table', { name: 'Entitlements' }), oldId, 30_000);
    await stack.sim.scenario('POST', `/_sim/agreements/${first.id}/cancellation-requests`, {
      reasonCode: 'REPLACING_AGREEMENT',
    });
    const timeline = page.getByTestId(`timeline-${oldId}`);
    await expectText(timeline.getByTestId('cancellation'), 'PENDING_APPROVAL (REPLACING_AGREEMENT)', 30_000);
    await expectText(timeline.getByRole('listitem').last(), 'PENDING_CANCELLATION');
    const replacement = await accept(first.id);
    await expectText(timeline.getByTestId('chain-next'), 'ent_', 30_000);
    const { body: next } = await stack.call('entitlement', `/v1/entitlements?agreementId=${replacement.id}`);
    await expectText(timeline.getByTestId('chain-next'), next.items[0].id);
    await expectText(timeline.getByRole('listitem').last(), 'REPLACED');
    const newTimeline = page.getByTestId(`timeline-${next.items[0].id}`);
    await expectText(newTimeline.getByTestId('chain-previous'), oldId, 30_000);
    await expectText(newTimeline, 'replacement: replaces agreement');
    await shot('timeline');
  }, 90_000);

  it('operators follow entitlements and metering reports, and replay a quarantined notification', async () => {
    await page.getByRole('link', { name: 'Entitlements' }).click();
    const entitlements = page.getByRole('table', { name: 'Entitlements' });
    await expectText(entitlements.getByRole('row').filter({ hasText: BUYER }), 'ACTIVE');
    await page.getByLabel('Type').selectOption('DIRECT');
    await expectText(entitlements, 'No entitlement matches.');

    await page.getByRole('link', { name: 'Metering reports' }).click();
    const reports = page.getByRole('table', { name: 'Metering reports' });
    await expectText(reports.getByRole('row').filter({ hasText: 'api_calls' }), 'REPORTED');
    await page.getByLabel('Needs a person').selectOption('true');
    await expectText(reports, 'No report matches.');

    // An Offer Released for the org's account without the offer: offer-ingest quarantines it.
    await stack.notify(
      JSON.stringify({
        version: '0',
        id: 'console-quarantine-1',
        'detail-type': 'Offer Released',
        source: 'aws.marketplacecatalog',
        account: ISV,
        time: new Date().toISOString(),
        region: 'us-east-1',
        resources: [],
        detail: { product: { id: PRODUCT } },
      }),
    );
    await page.getByRole('link', { name: 'Quarantine' }).click();
    const quarantine = page.getByRole('table', { name: 'Quarantined notifications' });
    for (let i = 0; i < 50; i++) {
      if (((await quarantine.textContent()) ?? '').includes('Offer Released')) break;
      await page.reload();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await expectText(quarantine, 'Offer Released');
    const row = quarantine.getByRole('row').filter({ hasText: 'Offer Released' });
    await row.getByRole('button', { name: /^Replay / }).click();
    await expectText(page.getByRole('status'), 'still quarantined');
    await expectText(row.getByRole('cell').nth(4), '1'); // replays
    await shot('quarantine');
  }, 60_000);

  it("a key-less flood through the console's proxy: limited per real client, and valid keys keep working (#25)", async () => {
    const through = (forwardedFor: string, apiKey?: string) =>
      fetch(`${origin}/api/entitlement/v1/entitlements?limit=1`, {
        headers: {
          'x-forwarded-for': forwardedFor,
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        },
      });
    const flooder = '203.0.113.9';
    const statuses: number[] = [];
    for (let i = 0; i < 300; i += 50)
      statuses.push(
        ...(await Promise.all(Array.from({ length: 50 }, () => through(flooder)))).map((r) => r.status),
      );
    expect(new Set(statuses)).toEqual(new Set([401]));
    const limited = await through(flooder);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { message: string }).message).toMatch(
      /^rate limit of 300 requests per 60 s exceeded: retry in \d+ s$/,
    );
    // a valid key — even one the service has not seen for a while, even from the flooding client — is
    // limited per key; another client without a key is limited on its own
    expect((await through(flooder, stack.other.apiKey)).status).toBe(200);
    expect((await through('198.51.100.7', stack.org.apiKey)).status).toBe(200);
    expect((await through('198.51.100.7')).status).toBe(401);
  }, 60_000);

  it("the console's origin: security headers on every answer, the services' metrics and docs not served (#25)", async () => {
    await expectConsoleOrigin(origin, stack.org.apiKey, "frame-ancestors 'none'");
  });

  it("settings: the AWS connection, check by check, with AWS's error where it refuses", async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const checks = page.getByRole('table');
    await expectText(checks, 'Metering permitted');
    await expectText(page.getByRole('status'), 'The hub can act for this org in AWS.');
    await stack.sim.scenario('PUT', '/_sim/faults', {
      rules: [{ operation: 'BatchMeterUsage', type: 'accessDenied' }],
    });
    try {
      await page.getByRole('button', { name: 'Check again' }).click();
      const metering = checks.getByRole('row').filter({ hasText: 'Metering permitted' });
      await expectText(metering, 'AccessDeniedException');
      await expectText(page.getByRole('status'), 'AWS refuses something');
      await shot('settings');
    } finally {
      await stack.sim.scenario('DELETE', '/_sim/faults');
    }
  }, 60_000);

  it('webhooks: add an endpoint (its secret shown once), send a test, see it delivered; the signup URL is saved', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await page.getByRole('link', { name: 'Webhooks' }).click();
      const form = page.getByRole('form', { name: 'New endpoint' });
      await form.getByLabel('URL').fill(`${receiver.url}/console`);
      await form.getByLabel('Description').fill('our CRM');
      await form.getByLabel('entitlement.*').check();
      await form.getByLabel('webhook.test').check();
      await form.getByRole('button', { name: 'Add endpoint' }).click();
      const shown = page.getByRole('status').filter({ hasText: 'shown this once' });
      const secret = (await shown.locator('code').textContent({ timeout: 5000 })) ?? '';
      expect(secret).toMatch(/^whsec_/);
      const row = page.getByRole('row').filter({ hasText: `${receiver.url}/console` });
      await expectText(row, 'entitlement.*, webhook.test');
      await row.getByRole('button', { name: 'Send test' }).click();
      await row.getByRole('button', { name: 'Messages' }).click();
      const got = await waitFor(() => receiver.received[0], { what: 'the test event' });
      expect(new Webhook(secret).verify(got.body, got.headers)).toMatchObject({ type: 'webhook.test' });
      await page.reload(); // the list again, with the delivery
      await page
        .getByRole('row')
        .filter({ hasText: `${receiver.url}/console` })
        .getByRole('button', { name: 'Messages' })
        .click();
      await expectText(page.getByRole('table').last(), 'DELIVERED');
      await shot('webhooks');
      await page.getByRole('link', { name: 'Settings' }).click();
      // the page has read the settings (the landing path names the org) before anything is typed
      await expectText(
        page.getByRole('region', { name: 'Buyer registration' }),
        '/v1/registrations/landing/org_',
      );
      const signup = page.getByRole('form', { name: 'Signup URL' });
      await signup.getByLabel('Signup URL').fill(`${receiver.url}/signup`);
      await signup.getByRole('button', { name: 'Save' }).click();
      await expectText(page.getByRole('status').filter({ hasText: 'Saved' }), 'Saved.');
      const saved = await stack.call('entitlement', '/v1/registrations/settings');
      expect(saved.body.signupUrl).toBe(`${receiver.url}/signup`);
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('no layout shift while the chain page loads and refreshes its data', async () => {
    await page.goto(`${origin}/#/opportunities`);
    await page.goto(opportunityUrl);
    await page.reload(); // a fresh document: every shift from its first paint is counted
    await page.evaluate(`(() => {
      window.__shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    })()`);
    await expectText(page.getByRole('table', { name: 'Entitlements' }), 'ACTIVE');
    await new Promise((resolve) => setTimeout(resolve, 3500)); // one refresh of the page's polling
    const shift = await page.evaluate<number>('window.__shift');
    expect(shift).toBeLessThan(0.1); // Web Vitals' "good" cumulative layout shift
  }, 30_000);

  it('axe (#29): no accessibility violations on any page (WCAG 2.1 A and AA, and best practices)', async () => {
    const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    const found: string[] = [];
    const pages = [
      '#/opportunities',
      '#/opportunities/new',
      '#/partners',
      '#/renewals',
      '#/entitlements',
      '#/metering-reports',
      '#/quarantine',
      '#/webhooks',
      '#/finance',
      '#/settings',
      opportunityUrl.slice(opportunityUrl.indexOf('#')),
    ];
    const check = async (on: Page, where: string) => {
      await on.addScriptTag({ content: source });
      const violations = await on.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run(options: object): Promise<any> } }).axe;
        const result = await axe.run({
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        });
        return result.violations.map(
          (v: any) => `${v.id} (${v.impact}): ${v.nodes.length}× e.g. ${v.nodes[0]?.target?.join(' ')}`,
        );
      });
      found.push(...violations.map((v: string) => `${where}: ${v}`));
    };
    for (const hash of pages) {
      await page.goto(`${origin}/${hash}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForTimeout(500); // the page's first answers
      await check(page, hash);
    }
    const signIn = await browser.newPage(); // not signed in: the sign-in page
    await signIn.goto(origin);
    await signIn.getByLabel('API key').waitFor();
    await check(signIn, 'sign-in');
    await signIn.close();
    expect(found).toEqual([]);
    await page.goto(opportunityUrl);
  }, 120_000);

  it("another org's opportunity is 'not found'; signing out forgets the key", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await signIn(stack.other.apiKey);
    await page.getByRole('heading', { name: 'Opportunities' }).waitFor();
    await page.goto(opportunityUrl);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  }, 60_000);

  it('works at phone width: the chain page scrolls its tables, not the page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(stack.org.apiKey);
    await page.goto(opportunityUrl);
    await expectText(page.getByTestId('opportunity-status'), 'ACTIVE');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('chain-phone');
  }, 30_000);

  it("the console's container (nginx config, production bundle) serves it with the same proxying", async () => {
    const container = await startConsoleContainerConfig(stack.urls);
    try {
      const index = await fetch(`${container.origin}/#/opportunities`);
      expect(index.status).toBe(200);
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())![1];
      const asset = await fetch(`${container.origin}${script}`);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      // first load: at most 200 KB of JavaScript gzipped
      const gzipped = gzipSync(Buffer.from(await asset.arrayBuffer())).length;
      expect(gzipped).toBeLessThan(200 * 1024);
      expect((await fetch(`${container.origin}/api/metering/health/ready`)).status).toBe(200);
      await expectConsoleOrigin(container.origin, stack.org.apiKey, "default-src 'self'");
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${container.origin}/#/opportunities`);
      await page.getByLabel('API key').fill(stack.org.apiKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.goto(`${container.origin}/${new URL(opportunityUrl).hash}`);
      await expectText(page.getByTestId('opportunity-status'), 'ACTIVE');
      await expectText(page.getByRole('table', { name: 'Entitlements' }), 'ACTIVE');
    } finally {
      await container.stop();
    }
  }, 60_000);
});

/**
 * What every answer of a console origin must carry (the page, an API answer, an error), and what it must
 * not serve: the services' metrics and OpenAPI (they stay on the services).
 */
async function expectConsoleOrigin(origin: string, apiKey: string, csp: string): Promise<void> {
  const answers = [
    await fetch(`${origin}/`),
    await fetch(`${origin}/api/opportunity/v1/opportunities?limit=1`, {
      headers: { authorization: `Bearer ${apiKey}` },
    }),
    await fetch(`${origin}/api/opportunity/v1/opportunities?limit=1`),
  ];
  expect(answers.map((r) => r.status)).toEqual([200, 200, 401]);
  for (const answer of answers)
    expect({
      url: answer.url,
      nosniff: answer.headers.get('x-content-type-options'),
      csp: answer.headers.get('content-security-policy'),
    }).toEqual({ url: answer.url, nosniff: 'nosniff', csp: expect.stringContaining(csp) });
  for (const service of ['opportunity', 'metering'])
    for (const path of ['metrics', 'docs', 'docs-json', 'docs/']) {
      const response = await fetch(`${origin}/api/${service}/${path}`);
      expect({ path: `${service}/${path}`, status: response.status }).toEqual({
        path: `${service}/${path}`,
        status: 404,
      });
    }
}

/**
 * The console container's nginx configuration (apps/console/nginx), rendered as the nginx image does (envsubst
 * of the variables the image sets) and run by Debian's nginx over a fresh production build of the bundle.
 */
async function startConsoleContainerConfig(
  urls: Stack['urls'],
): Promise<{ origin: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cppo-console-nginx-'));
  chmodSync(dir, 0o755); // nginx's workers run as another user when the test runs as root
  const built = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'apps/console/vite.config.mts',
      '--outDir',
      join(dir, 'html'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`vite build failed: ${built.stderr}`);
  const port = await freePort();
  const vars = {
    CONSOLE_PORT: `127.0.0.1:${port}`,
    CONSOLE_ROOT: join(dir, 'html'),
    OPPORTUNITY_URL: urls.opportunity,
    OFFER_INGEST_URL: urls['offer-ingest'],
    ENTITLEMENT_URL: urls.entitlement,
    METERING_URL: urls.metering,
    WEBHOOKS_URL: urls.webhooks,
    // this stack runs no finance service: its proxy points at a closed port
    FINANCE_URL: urls.finance ?? 'http://127.0.0.1:9',
  };
  const template = readFileSync(join(ROOT, 'apps/console/nginx/default.conf.template'), 'utf8');
  const rendered = spawnSync(
    'envsubst',
    [
      Object.keys(vars)
        .map((v) => `\${${v}}`)
        .join(' '),
    ],
    {
      input: template,
      env: { ...process.env, ...vars },
      encoding: 'utf8',
    },
  );
  writeFileSync(join(dir, 'default.conf'), rendered.stdout);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; pid ${dir}/nginx.pid; error_log stderr; events {}
http { include /etc/nginx/mime.types; access_log off; client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi; include ${dir}/default.conf; }\n`,
  );
  const nginx = startProcess('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')]);
  let log = '';
  nginx.child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  nginx.child.stdout?.resume();
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/health/ready`, 10_000, nginx.child).catch((error: Error) => {
    throw new Error(`${error.message}\n${log}`);
  });
  return {
    origin,
    async stop() {
      await nginx.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the element's text contains `text` (the page polls; the test waits on what it shows). */
async function expectText(
  locator: ReturnType<Page['locator']>,
  text: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    seen =
      (await locator
        .first()
        .textContent({ timeout: timeoutMs })
        .catch(() => '')) ?? '';
    if (seen.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`expected "${text}" in ${locator}, saw: ${seen.slice(0, 500)}`);
}
