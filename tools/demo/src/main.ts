/**
 * `npm run demo`: against a running `npm start`, plays the whole deal chain through public interfaces
 * (story.ts) with a progress line per step, then prints the chain as a table.
 * DEV_STACK_PORT_OFFSET and DEV_STACK_DATA_DIR as for `npm start`; CPPO_API_KEY to use a key of your own.
 */
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { ISV, startWebhookReceiver, type WebhookReceiver } from '@cppo/testing';
import { SERVICES } from '@cppo/dev-stack';
import type { AwsConnectionJson } from '@cppo/views/types';
import { demoApiKey } from './org';
import { playStory, STEPS, type ServiceName, type StoryResult } from './story';

const root = join(__dirname, '../../..');
const offset = Number(process.env['DEV_STACK_PORT_OFFSET'] ?? 0);
const dataDir = process.env['DEV_STACK_DATA_DIR'] ?? join(root, '.data');
const out = (line = '') => process.stdout.write(`${line}\n`);

async function answers(url: string, init?: RequestInit): Promise<number> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(3000) })).status;
  } catch {
    return 0;
  }
}

/**
 * The deal's money: the simulator delivers AWS's seller data feeds through 40 days from now (the first
 * installment, 30 days out, and its disbursement a week later), finance imports them, and the deal's line.
 */
async function printFinance(
  financeUrl: string,
  simUrl: string,
  apiKey: string,
  agreementId: string,
): Promise<void> {
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const through = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  await call('PUT', `${financeUrl}/v1/finance/settings`, { bucket: 'cppo-sdds' });
  await call('POST', `${simUrl}/_sim/sdds/deliver?through=${through}`, {});
  const started = await call<{ id: string }>('POST', `${financeUrl}/v1/finance/imports`);
  let run = { status: 'RUNNING', rows: 0, parked: 0 };
  for (let i = 0; i < 120 && run.status === 'RUNNING'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    run = await call('GET', `${financeUrl}/v1/finance/imports/${started.id}`);
  }
  const deal = await call<{
    expected: string;
    invoiced: string;
    listingFee: string;
    disbursed: string;
    currency?: string;
    status: string;
    disbursements: { date: string; reference: string }[];
  }>('GET', `${financeUrl}/v1/finance/deals/${agreementId}`);
  const last = deal.disbursements.at(-1);
  out();
  out(
    `Finance — AWS's seller data feeds delivered through ${through} (simulated), imported: ${run.rows} rows`,
  );
  out(
    `  deal ${agreementId}: expected ${deal.expected} ${deal.currency ?? ''}, invoiced ${deal.invoiced}, ` +
      `listing fee ${deal.listingFee}, disbursed ${deal.disbursed}` +
      `${last ? ` (last on ${last.date}, ${last.reference})` : ''} — ${deal.status}`,
  );
}

async function main(): Promise<number> {
  const started = Date.now();
  const urls = Object.fromEntries(
    SERVICES.map(({ name, port }) => [name, `http://127.0.0.1:${port + offset}`]),
  ) as Record<ServiceName, string>;
  const simUrl = `http://127.0.0.1:${4600 + offset}`;
  const down = [];
  for (const [name, url] of Object.entries(urls))
    if ((await answers(`${url}/health/ready`)) !== 200) down.push(`${name} (${url})`);
  if ((await answers(`${simUrl}/_sim/health`)) !== 200) down.push(`the simulator (${simUrl})`);
  if (down.length) {
    out(`not running: ${down.join(', ')}.`);
    out('Start the platform first, in another terminal: npm start — then run npm run demo again.');
    return 1;
  }

  const apiKey =
    process.env['CPPO_API_KEY'] ??
    (await demoApiKey({
      mongoUrl: `mongodb://127.0.0.1:${27018 + offset}/cppo`,
      keyFile: join(dataDir, 'demo-api-key'),
      awsAccountId: ISV,
      accepts: async (key) =>
        (await answers(`${urls.opportunity}/v1/opportunities?limit=1`, {
          headers: { authorization: `Bearer ${key}` },
        })) === 200,
      log: out,
    }));

  await printAwsConnection(urls.opportunity, apiKey);
  const hooks = await listenForWebhooks(urls.webhooks, apiKey);

  const stepStarted = new Map<number, number>();
  const result = await playStory(
    { urls, simUrl, apiKey },
    {
      progress: ({ index, phase, text }) => {
        if (phase === 'start') {
          stepStarted.set(index, Date.now());
          out(`[${index}/${STEPS.length}] ${text} ...`);
        } else {
          const seconds = ((Date.now() - (stepStarted.get(index) ?? Date.now())) / 1000).toFixed(1);
          out(`      ✓ ${text} (${seconds} s)`);
        }
      },
    },
  );
  printChain(result);
  await hooks.print();
  await printFinance(
    (urls as Record<string, string>)['finance'],
    simUrl,
    apiKey,
    result.entitlement.agreementId,
  );
  out();
  out(`done in ${((Date.now() - started) / 1000).toFixed(0)} s. Every step above went through the services'`);
  out(
    `HTTP APIs (OpenAPI at ${urls.opportunity}/docs and the others' /docs) and the simulator's scenario API.`,
  );
  return 0;
}

/**
 * A local receiver registered as a webhook endpoint of the demo org for the story's length: afterwards the
 * webhooks it got, each verified with the endpoint's secret, and the endpoint deleted again.
 */
async function listenForWebhooks(webhooksUrl: string, apiKey: string): Promise<{ print(): Promise<void> }> {
  const receiver: WebhookReceiver = await startWebhookReceiver();
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${webhooksUrl}/v1/webhooks/endpoints${path}`, {
      ...init,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    });
  const created = await call('', {
    method: 'POST',
    body: JSON.stringify({ url: `${receiver.url}/demo`, description: 'npm run demo (removed when it ends)' }),
  });
  if (created.status !== 201) {
    out(`webhooks: could not register a local receiver (${created.status}: ${await created.text()})`);
    await receiver.close();
    return { print: async () => undefined };
  }
  const endpoint = (await created.json()) as { id: string; secret: string };
  out(`Webhooks: a local receiver at ${receiver.url}/demo is registered for every event type.`);
  out();
  return {
    async print() {
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the last events' deliveries
      await call(`/${endpoint.id}`, { method: 'DELETE' });
      await receiver.close();
      out();
      out(`Webhooks received (${receiver.received.length}), each verified with the endpoint's secret:`);
      table(
        ['type', 'webhook-id', 'signature', 'about'],
        receiver.received.map((r) => {
          let event: { type?: string; data?: Record<string, unknown> } = {};
          let verified = 'INVALID';
          try {
            event = new Webhook(endpoint.secret).verify(r.body, r.headers) as typeof event;
            verified = 'verified';
          } catch {
            event = JSON.parse(r.body) as typeof event;
          }
          const d = event.data ?? {};
          const about = ['entitlementId', 'opportunityId', 'offerId', 'reportId', 'agreementId']
            .map((k) => d[k])
            .find((v) => typeof v === 'string');
          return [event.type ?? '?', r.headers['webhook-id'] ?? '', verified, String(about ?? '')];
        }),
      );
    },
  };
}

/** "Check my AWS connection" (GET /v1/aws/connection) for the demo's org, before the story. */
async function printAwsConnection(opportunityUrl: string, apiKey: string): Promise<void> {
  const response = await fetch(`${opportunityUrl}/v1/aws/connection`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const report = (await response.json()) as AwsConnectionJson;
  out(
    `AWS connection of the demo org (GET /v1/aws/connection): ${report.ok ? 'OK' : 'AWS refuses something'}`,
  );
  table(
    ['check', 'result', 'details'],
    report.checks.map((c) => [
      c.operation,
      c.status,
      c.error ? `${c.error}: ${c.message ?? ''}` : (c.detail ?? ''),
    ]),
  );
  out();
}

function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  out(line(headers));
  out(line(widths.map((w) => '-'.repeat(w))));
  rows.forEach((row) => out(line(row)));
}

function printChain({ opportunity, offers, entitlement, usage, awsRecords }: StoryResult): void {
  out();
  out('The deal chain');
  table(
    ['', 'id', 'status', 'details'],
    [
      [
        'opportunity (CPPO_OUT)',
        opportunity.id,
        opportunity.status,
        `${opportunity.productId} resold by ${opportunity.resellerAccountId}; authorization ${opportunity.marketplace.resaleAuthorizationId}`,
      ],
      ...offers.map((offer) => [
        'partner offer (CPPO)',
        offer.id,
        offer.status,
        `AWS offer ${offer.awsOfferId} by ${offer.resellerAccountId}`,
      ]),
      [
        'entitlement (CPPO)',
        entitlement.id,
        entitlement.status,
        `buyer ${entitlement.buyerAccountId}; ${entitlement.history.map((h) => h.status).join(' → ')}; grants ${entitlement.grants
          .map((g) => `${g.quantity} ${g.dimensionKey}`)
          .join(', ')}`,
      ],
    ],
  );
  out(`  licence ${entitlement.licenseArn}`);
  out();
  out('Usage and overage, per hour and dimension (reported to AWS by the metering service)');
  table(
    ['hour (UTC)', 'dimension', 'usage', 'included', 'overage', 'wholesale value', 'status', 'AWS record'],
    usage.map((h) => [
      h.hour.slice(0, 16).replace('T', ' '),
      h.dimension,
      String(h.usage),
      String(h.included),
      String(h.overage),
      h.wholesaleValue ?? '-',
      h.status,
      h.meteringRecordId ?? '-',
    ]),
  );
  const total = usage.reduce((sum, h) => sum + Number(h.wholesaleValue ?? 0), 0);
  out(`  wholesale value of the overage: ${total.toFixed(2)} USD (the opportunity's usage prices)`);
  out(`  AWS holds ${awsRecords.length} metering record(s) for this licence`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    out(`demo failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
