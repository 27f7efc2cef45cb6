/**
 * The deal chain played through public interfaces only — the services' HTTP APIs with an org's key, and
 * the marketplace simulator's scenario API standing in for the partner, the buyer and AWS:
 * opportunity (every field) → ACTIVE → the partner's CPPO offer → the buyer accepts → entitlement ACTIVE
 * → two hours of usage → overage reported to AWS → the buyer cancels.
 * `npm run demo` plays it against `npm start`; the end-to-end suite plays it against its own stack, with
 * notifications duplicated and shuffled, and with services killed between steps.
 */
import { BUYER, fullOpportunity, PARTNER } from '@cppo/testing';
import type { HourlyUsageJson } from '@cppo/views/types';

export type ServiceName = 'opportunity' | 'offer-ingest' | 'entitlement' | 'metering' | 'webhooks';
export const STEPS = [
  'opportunity',
  'partner-offer',
  'buyer-accepts',
  'usage',
  'overage-reported',
  'buyer-cancels',
] as const;
export type Step = (typeof STEPS)[number];

export interface StoryTarget {
  /** Base URL of each service's API. */
  urls: Record<ServiceName, string>;
  /** Base URL of the marketplace simulator (its `/_sim` scenario API). */
  simUrl: string;
  apiKey: string;
}

export interface StoryOptions {
  /**
   * Every AWS notification of the story is held by the simulator, sent three times (same event id), and
   * released with all copies in a random order: offer, agreement and licence events of one step arrive
   * interleaved and repeated.
   */
  duplicateAndShuffle?: boolean;
  /** A line per step as it starts, and its outcome (the demo's live progress). */
  progress?: (event: { step: Step; index: number; phase: 'start' | 'done'; text: string }) => void;
  /** Runs after each step's action and before its outcome is awaited (tests kill services here). */
  after?: (step: Step) => Promise<void>;
  /** How long to wait for each outcome. */
  timeoutMs?: number;
  /** Polling interval of the waits. */
  pollMs?: number;
}

/** The parts of the API views the story reads (docs/api.md has them whole). */
export interface OpportunityView {
  id: string;
  status: string;
  name: string;
  productId: string;
  resellerAccountId: string;
  marketplace: { resaleAuthorizationId?: string; errors: unknown[] };
}
export interface OfferView {
  id: string;
  type: string;
  status: string;
  awsOfferId?: string;
  cppoOutOfferId?: string;
  resellerAccountId?: string;
}
export interface EntitlementView {
  id: string;
  type: string;
  status: string;
  agreementId: string;
  offerId?: string;
  opportunityId?: string;
  buyerAccountId: string;
  licenseArn?: string;
  grants: { dimensionKey: string; quantity: number }[];
  link: { missing: string[] };
  agreementApi: { status: string };
  licence: { status: string };
  history: { status: string; at: string }[];
}
/** A record as the simulator's AWS Marketplace Metering Service took it. */
export interface AwsMeteringRecord {
  meteringRecordId: string;
  licenseArn?: string;
  dimension: string;
  quantity: number;
  hour: string;
}

/** An hour of usage as the metering API answers it. */
export type HourOfUsage = HourlyUsageJson;

export interface StoryResult {
  opportunity: OpportunityView;
  offers: OfferView[];
  entitlement: EntitlementView;
  /** The entitlement's two story hours, per dimension with usage (oldest first). */
  usage: HourOfUsage[];
  /** What the usage intake answered to the first sending of the records, then to the second. */
  intake: { first: string[]; resent: string[] };
  /** The simulator's `/_sim/metering-records` for the entitlement's licence. */
  awsRecords: AwsMeteringRecord[];
}

/** The usage the story sends: hour 1 is two hours ago, hour 2 the last closed hour. */
export const STORY_USAGE = [
  { hoursAgo: 2, dimension: 'api_calls', quantities: [1200, 800] },
  { hoursAgo: 2, dimension: 'storage_gb', quantities: [40] },
  { hoursAgo: 1, dimension: 'api_calls', quantities: [2500] },
  { hoursAgo: 1, dimension: 'storage_gb', quantities: [40, 5] },
] as const;

export class StoryError extends Error {}

export async function playStory(target: StoryTarget, options: StoryOptions = {}): Promise<StoryResult> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const pollMs = options.pollMs ?? 250;
  const api = apiClient(target);
  const sim = simClient(target.simUrl);
  const copies = options.duplicateAndShuffle ? { delivery: { hold: true, duplicate: 2 } } : {};
  const release = async () => {
    if (options.duplicateAndShuffle) await sim('POST', '/_sim/events/release', { order: 'shuffled' });
  };
  const wait = <T>(what: string, probe: () => Promise<T | undefined>) => poll(what, probe, timeoutMs, pollMs);
  const step = async <T>(name: Step, text: string, action: () => Promise<T>): Promise<T> => {
    const index = STEPS.indexOf(name) + 1;
    options.progress?.({ step: name, index, phase: 'start', text });
    const answer = await action();
    await options.after?.(name);
    return answer;
  };
  const done = (name: Step, text: string) =>
    options.progress?.({ step: name, index: STEPS.indexOf(name) + 1, phase: 'done', text });
  const hourStart = (hoursAgo: number) => Math.floor(Date.now() / 3_600_000 - hoursAgo) * 3_600_000;

  // 1. The ISV's partner manager creates the opportunity; AWS releases the resale authorization.
  const created = await step('opportunity', 'creating the opportunity (every field)', async () => {
    const body = { ...fullOpportunity(), name: `Demo: Acme via Partner X ${new Date().toISOString()}` };
    return api<OpportunityView>('opportunity', 'POST', '/v1/opportunities', body);
  });
  const opportunity = await wait('the opportunity to turn ACTIVE', async () => {
    const current = await api<OpportunityView>('opportunity', 'GET', `/v1/opportunities/${created.id}`);
    if (current.status === 'FAILED')
      throw new StoryError(`AWS refused the opportunity: ${JSON.stringify(current.marketplace.errors)}`);
    return current.status === 'ACTIVE' ? current : undefined;
  });
  done(
    'opportunity',
    `${opportunity.id} ACTIVE — resale authorization ${opportunity.marketplace.resaleAuthorizationId}`,
  );

  // 2. The partner makes its private offer for the buyer from the authorization.
  const awsOffer = await step('partner-offer', 'the partner makes its offer for the buyer', () =>
    sim<{ id: string }>('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: opportunity.marketplace.resaleAuthorizationId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [BUYER],
      ...copies,
    }),
  );
  const offerOf = () =>
    wait('the CPPO offer to be ingested', async () => {
      const { items } = await api<{ items: OfferView[] }>('opportunity', 'GET', `/v1/offers?type=CPPO`);
      return items.find((o) => o.awsOfferId === awsOffer.id);
    });
  // Held notifications are released with the buyer's, so that they arrive interleaved.
  if (!options.duplicateAndShuffle)
    done('partner-offer', `CPPO offer ${(await offerOf()).id} (${awsOffer.id})`);

  // 3. The buyer accepts (three hours ago, so that two whole hours of usage are behind us).
  const agreement = await step('buyer-accepts', 'the buyer accepts the offer', async () => {
    const answer = await sim<{ id: string }>('POST', '/_sim/buyer/accept', {
      offerId: awsOffer.id,
      buyerAccountId: BUYER,
      startTime: new Date(hourStart(3)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...copies,
    });
    await release();
    return answer;
  });
  if (options.duplicateAndShuffle)
    done('partner-offer', `CPPO offer ${(await offerOf()).id} (${awsOffer.id})`);
  const entitlementOf = (predicate: (e: EntitlementView) => boolean, what: string) =>
    wait(what, async () => {
      const { items } = await api<{ items: EntitlementView[] }>(
        'entitlement',
        'GET',
        `/v1/entitlements?opportunityId=${encodeURIComponent(opportunity.id)}`,
      );
      const found = items.find((e) => e.agreementId === agreement.id);
      return found && predicate(found) ? found : undefined;
    });
  const active = await entitlementOf(
    (e) => e.status === 'ACTIVE' && !e.link.missing.length && e.licence.status === 'OK',
    'the entitlement to be ACTIVE, linked, its licence read',
  );
  done('buyer-accepts', `entitlement ${active.id} ACTIVE — agreement ${agreement.id}`);

  // 4. The SaaS application reports usage; sending it again changes nothing.
  const records = STORY_USAGE.flatMap(({ hoursAgo, dimension, quantities }) =>
    quantities.map((quantity, i) => ({
      entitlementId: active.id,
      dimension,
      quantity,
      timestamp: new Date(hourStart(hoursAgo) + (i + 1) * 600_000).toISOString(),
      idempotencyKey: `demo-${agreement.id}-${hoursAgo}-${dimension}-${i}`,
    })),
  );
  const intake = await step('usage', `the application reports ${records.length} usage records`, async () => {
    type Results = { results: { status: string }[] };
    const first = await api<Results>('metering', 'POST', '/v1/usage-records', { records });
    const resent = await api<Results>('metering', 'POST', '/v1/usage-records', { records });
    return { first: first.results.map((r) => r.status), resent: resent.results.map((r) => r.status) };
  });
  done('usage', `first sending: ${summary(intake.first)}; sent again: ${summary(intake.resent)}`);

  // 5. The reporter sends each closed hour's overage to AWS.
  await step('overage-reported', 'waiting for the hourly overage reports to AWS', async () => undefined);
  const window = `from=${new Date(hourStart(2)).toISOString()}&to=${new Date(hourStart(0)).toISOString()}`;
  const usage: HourOfUsage[] = await wait('both hours reported to AWS', async () => {
    const { hours } = await api<{ hours: HourOfUsage[] }>(
      'metering',
      'GET',
      `/v1/entitlements/${active.id}/usage?${window}`,
    );
    const withUsage = hours.filter((h) => h.usage > 0);
    return withUsage.length === STORY_USAGE.length && withUsage.every((h) => h.status === 'REPORTED')
      ? withUsage
      : undefined;
  });
  const value = usage.reduce((sum, h) => sum + Number(h.wholesaleValue ?? 0), 0);
  done(
    'overage-reported',
    `${usage.length} hourly records REPORTED, wholesale value of the overage ${value.toFixed(2)}`,
  );

  // 6. The buyer cancels.
  await step('buyer-cancels', 'the buyer cancels the agreement', async () => {
    await sim('POST', `/_sim/agreements/${agreement.id}/cancel`, copies);
    await release();
  });
  const entitlement = await entitlementOf((e) => e.status === 'CANCELLED', 'the entitlement CANCELLED');
  done('buyer-cancels', `entitlement ${entitlement.id} CANCELLED`);

  // An offer AWS would not let us link when it was released is linked through its agreement.
  const chain = await wait('the chain with the partner offer linked', async () => {
    const found = await api<{ opportunity: OpportunityView; offers: OfferView[] }>(
      'opportunity',
      'GET',
      `/v1/opportunities/${opportunity.id}/chain`,
    );
    return found.offers.length && found.offers.every((o) => o.cppoOutOfferId === opportunity.id)
      ? found
      : undefined;
  });
  const awsRecords = (await sim<AwsMeteringRecord[]>('GET', '/_sim/metering-records')).filter(
    (r) => r.licenseArn === entitlement.licenseArn,
  );
  return {
    opportunity: chain.opportunity,
    offers: chain.offers,
    entitlement,
    usage,
    intake,
    awsRecords,
  };
}

function summary(statuses: string[]): string {
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  pollMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: Error | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      if (error instanceof StoryError) throw error;
      lastError = error as Error; // e.g. a service being restarted
    }
    if (Date.now() > deadline)
      throw new StoryError(
        `gave up waiting for ${what} after ${timeoutMs / 1000} s${lastError ? ` (${lastError.message})` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** JSON over HTTP with the org's key; anything but 2xx is an error naming the call and the answer. */
function apiClient(target: StoryTarget) {
  return async <T>(service: ServiceName, method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${target.urls[service]}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${service} ${path} → ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
}

function simClient(simUrl: string) {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${simUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new StoryError(`simulator ${method} ${path} → ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
}
