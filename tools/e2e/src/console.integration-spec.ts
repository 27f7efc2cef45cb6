import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStack, type Stack } from './testing/stack';
import {
  BUYER,
  CHROMIUM,
  ISV,
  freePort,
  PARTNER,
  PRODUCT,
  startProcess,
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
describe('console in Chromium (four services, simulator, SQS, RabbitMQ, Mongo)', () => {
  let stack: Stack;
  let vite: ManagedProcess;
  let browser: Browser;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
    stack = await startStack();
    const port = await freePort();
    vite = startProcess(
      process.execPath,
      [
        join(ROOT, 'node_modules/vite/bin/vite.js'),
        '--config',
        'apps/console/vite.config.mts',
        '--port',
        String(port),
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CONSOLE_API_OPPORTUNITY: stack.urls.opportunity,
          CONSOLE_API_OFFER_INGEST: stack.urls['offer-ingest'],
          CONSOLE_API_ENTITLEMENT: stack.urls.entitlement,
          CONSOLE_API_METERING: stack.urls.metering,
        },
      },
    );
    vite.child.stdout?.resume();
    vite.child.stderr?.resume();
    origin = `http://127.0.0.1:${port}`;
    await waitForHttp(origin, 60_000, vite.child);
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
    await page.getByLabel('Amount (USD)').fill('12000.00');
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
      await usagePrices.getByLabel(`Price per unit (USD) ${i + 1}`).fill(price);
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
      [daysFromNow(210), '5000.00'], // does not add up to the commit: the API says so
    ].entries()) {
      await schedule.getByRole('button', { name: 'Add' }).click();
      await schedule.getByLabel(`Charge date ${i + 1}`).fill(date);
      await schedule.getByLabel(`Amount (USD) ${i + 1}`).fill(amount);
    }
    await page.getByRole('button', { name: 'Create and submit to AWS' }).click();
    await expectText(schedule.locator('xpath=following-sibling::ul[1]'), 'installments: amounts must add up');
    await shot('create-opportunity');

    await schedule.getByLabel('Amount (USD) 2').fill('6000.00');
    await page.getByRole('button', { name: 'Create and submit to AWS' }).click();
    await page.waitForURL(/#\/opportunities\/off_/);
    opportunityUrl = page.url();
    await expectText(page.getByTestId('opportunity-status'), 'ACTIVE', 30_000);
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
});

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
