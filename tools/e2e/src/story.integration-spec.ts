import { BUYER, PARTNER, PRODUCT } from '@cppo/testing';
import { playStory, STEPS, type StoryResult } from '@cppo/demo';
import { startStack, type Stack } from './testing/stack';

/**
 * `npm run demo`'s story — opportunity → partner offer → buyer acceptance → entitlement → two hours of
 * usage → overage reported to AWS → cancellation — against the four services as processes, through public
 * interfaces only; then the same story when AWS repeats and reorders every notification, and when services
 * are SIGKILLed in the middle of it. Each run must end in the same chain, with each hour billed once.
 */
describe('the demo story end to end (four services as processes, simulator, SQS, RabbitMQ, Mongo)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  }, 150_000);

  afterAll(() => stack?.stop());

  const target = () => ({ urls: stack.urls, simUrl: stack.sim.url, apiKey: stack.org.apiKey });

  /** What every run of the story must end with, however its messages travelled. */
  function expectTheWholeChain({ opportunity, offers, entitlement, usage, intake, awsRecords }: StoryResult) {
    expect(opportunity).toMatchObject({ status: 'ACTIVE', productId: PRODUCT, resellerAccountId: PARTNER });
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({
      type: 'CPPO',
      cppoOutOfferId: opportunity.id,
      resellerAccountId: PARTNER,
    });
    expect(entitlement).toMatchObject({
      type: 'CPPO',
      status: 'CANCELLED',
      offerId: offers[0].id,
      opportunityId: opportunity.id,
      buyerAccountId: BUYER,
      link: { missing: [] },
      grants: [
        { dimensionKey: 'users', quantity: 100 },
        { dimensionKey: 'admins', quantity: 5 },
      ],
    });
    expect(entitlement.history.map((h) => h.status)).toEqual(['ACTIVE', 'CANCELLED']);
    expect(intake.first).toEqual(Array(6).fill('accepted'));
    expect(intake.resent).toEqual(Array(6).fill('duplicate'));

    // Each hour and dimension: its usage summed, nothing included, all overage at the wholesale price.
    expect(
      usage.map(({ dimension, usage, overage, wholesaleValue, status }) => ({
        dimension,
        usage,
        overage,
        wholesaleValue,
        status,
      })),
    ).toEqual([
      { dimension: 'api_calls', usage: 2000, overage: 2000, wholesaleValue: '4.000', status: 'REPORTED' },
      { dimension: 'storage_gb', usage: 40, overage: 40, wholesaleValue: '4.00000040', status: 'REPORTED' },
      { dimension: 'api_calls', usage: 2500, overage: 2500, wholesaleValue: '5.000', status: 'REPORTED' },
      { dimension: 'storage_gb', usage: 45, overage: 45, wholesaleValue: '4.50000045', status: 'REPORTED' },
    ]);
    // AWS holds exactly one record per hour and dimension, with the overage, at the hour's start.
    const sent = awsRecords
      .map(({ meteringRecordId, dimension, quantity, hour }) => ({
        meteringRecordId,
        dimension,
        quantity,
        hour: new Date(hour).toISOString(),
      }))
      .sort((a, b) => a.hour.localeCompare(b.hour) || a.dimension.localeCompare(b.dimension));
    expect(sent).toEqual(
      usage.map((h) => ({
        meteringRecordId: h.meteringRecordId,
        dimension: h.dimension,
        quantity: h.overage,
        hour: new Date(h.hour).toISOString(),
      })),
    );
  }

  it('plays the demo: the whole chain, each hour of overage reported to AWS once', async () => {
    const steps: string[] = [];
    const result = await playStory(target(), {
      pollMs: 50,
      progress: ({ step, phase }) => phase === 'done' && steps.push(step),
    });
    expect(steps).toEqual([...STEPS]); // every step completed, in order
    expectTheWholeChain(result);
  }, 120_000);

  it('every notification three times, all copies shuffled: the same chain, nothing doubled', async () => {
    const result = await playStory(target(), { duplicateAndShuffle: true, pollMs: 50 });
    expectTheWholeChain(result);
    // AWS did send every notification of the story three times, interleaved.
    const { body: events } = await stack.sim.scenario('GET', '/_sim/events');
    const ofThisStory = (events as { body: unknown; copies: number; status: string }[]).filter((e) =>
      JSON.stringify(e.body).includes(result.entitlement.agreementId),
    );
    expect(ofThisStory.length).toBeGreaterThanOrEqual(3); // agreement created, licence, agreement ended
    expect(ofThisStory.every((e) => e.copies === 3 && e.status === 'delivered')).toBe(true);
  }, 150_000);

  it('services SIGKILLed mid-flow and restarted: the same chain, nothing lost or doubled', async () => {
    const killed: string[] = [];
    const result = await playStory(target(), {
      pollMs: 50,
      after: async (step) => {
        // entitlement dies as the buyer's notifications are on their way to it; metering right after
        // storing usage, before any of it is reported
        if (step === 'buyer-accepts') await stack.killAndRestart('entitlement');
        if (step === 'usage') await stack.killAndRestart('metering');
        if (step === 'buyer-accepts' || step === 'usage') killed.push(step);
      },
    });
    expect(killed).toEqual(['buyer-accepts', 'usage']);
    expectTheWholeChain(result);
  }, 180_000);

  it("a second org sees nothing of the first one's chain", async () => {
    const { opportunity, offers, entitlement } = await playStory(target(), { pollMs: 50 });
    const asOther = (service: keyof Stack['urls'], path: string) =>
      stack.call(service, path, { apiKey: stack.other.apiKey });
    expect((await asOther('opportunity', `/v1/opportunities/${opportunity.id}`)).status).toBe(404);
    expect((await asOther('opportunity', `/v1/opportunities/${opportunity.id}/chain`)).status).toBe(404);
    expect((await asOther('opportunity', `/v1/offers/${offers[0].id}`)).status).toBe(404);
    expect((await asOther('opportunity', '/v1/offers?type=CPPO')).body.items).toEqual([]);
    expect((await asOther('entitlement', `/v1/entitlements/${entitlement.id}`)).status).toBe(404);
    expect((await asOther('entitlement', '/v1/entitlements')).body.items).toEqual([]);
    expect((await asOther('metering', `/v1/entitlements/${entitlement.id}/usage`)).status).toBe(404);
    expect((await asOther('metering', '/v1/metering-reports')).body.items).toEqual([]);
    // Its usage for the first org's entitlement is refused record by record, and stores nothing.
    const foreign = await stack.call('metering', '/v1/usage-records', {
      apiKey: stack.other.apiKey,
      json: {
        records: [
          {
            entitlementId: entitlement.id,
            dimension: 'api_calls',
            quantity: 1,
            timestamp: new Date().toISOString(),
            idempotencyKey: 'other-org-1',
          },
        ],
      },
    });
    expect(foreign.body.results).toEqual([
      {
        idempotencyKey: 'other-org-1',
        status: 'rejected',
        reason: expect.stringMatching(/not found|unknown/i),
      },
    ]);
    // And the first org still sees its own.
    expect((await stack.call('metering', `/v1/entitlements/${entitlement.id}/usage`)).status).toBe(200);
  }, 120_000);
});
