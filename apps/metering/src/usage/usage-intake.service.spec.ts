import { EntitlementStatus, UsageRecordResult } from '@cppo/contracts';
import type { CatalogGateway } from '@cppo/marketplace';
import type { Entitlement, EntitlementRepository, UsageRecordRepository } from '@cppo/persistence';
import { envValidator } from '@cppo/runtime';
import { MeteringEnv } from '../config/metering.env';
import { UsageIntakeService } from './usage-intake.service';

// The entitlement lookup of intake: ACTIVE entitlements are reused for METERING_ENTITLEMENT_CACHE_MS, per
// org; anything else is read on every request (repository and Catalog stubbed).
describe('UsageIntakeService: entitlements reused between requests (repository stubbed)', () => {
  const started = new Date(Date.now() - 3 * 3_600_000);
  const stored = new Map<string, Entitlement>();
  let reads: { orgId: string; ids: string[]; agreementIds: string[] }[];

  function entitlement(id: string, status: EntitlementStatus, orgId = 'org_a'): Entitlement {
    return {
      _id: id,
      orgId,
      agreementId: `agmt-${id}`,
      status,
      startTime: started,
      productId: 'prod-1',
      usagePrices: [{ dimensionKey: 'api_calls', price: '0.01' }],
    } as unknown as Entitlement;
  }

  function intake(cacheMs: number): UsageIntakeService {
    const env = envValidator(MeteringEnv)({
      MONGO_URL: 'mongodb://127.0.0.1:9/x',
      METERING_ENTITLEMENT_CACHE_MS: String(cacheMs),
    });
    const entitlements = {
      findForUsage: async (orgId: string, ids: string[], agreementIds: string[]) => {
        reads.push({ orgId, ids, agreementIds });
        return [...stored.values()].filter(
          (e) => e.orgId === orgId && (ids.includes(e._id) || agreementIds.includes(e.agreementId)),
        );
      },
    } as unknown as EntitlementRepository;
    const usage = {
      insertBatch: async (docs: unknown[]) => docs.map(() => 'inserted'),
    } as unknown as UsageRecordRepository;
    const catalog = { product: async () => undefined } as unknown as CatalogGateway;
    return new UsageIntakeService(env, entitlements, usage, catalog);
  }

  let n = 0;
  const record = (ref: { entitlementId: string } | { agreementId: string }) => ({
    ...ref,
    dimension: 'api_calls',
    quantity: 1,
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    idempotencyKey: `k-${n++}`,
  });

  beforeEach(() => {
    stored.clear();
    reads = [];
  });

  it('reads an ACTIVE entitlement once, whether named by id or by agreement', async () => {
    stored.set('ent_1', entitlement('ent_1', EntitlementStatus.ACTIVE));
    const service = intake(5_000);
    const first = await service.record('org_a', [record({ entitlementId: 'ent_1' })]);
    const second = await service.record('org_a', [
      record({ entitlementId: 'ent_1' }),
      record({ agreementId: 'agmt-ent_1' }),
    ]);
    expect([...first, ...second].map((r) => r.status)).toEqual(Array(3).fill(UsageRecordResult.accepted));
    expect(reads).toEqual([{ orgId: 'org_a', ids: ['ent_1'], agreementIds: [] }]);
  });

  it("never answers another org from what one org's request read", async () => {
    stored.set('ent_1', entitlement('ent_1', EntitlementStatus.ACTIVE));
    const service = intake(5_000);
    await service.record('org_a', [record({ entitlementId: 'ent_1' })]);
    const other = await service.record('org_b', [record({ entitlementId: 'ent_1' })]);
    expect(other[0]).toMatchObject({
      status: UsageRecordResult.rejected,
      reason: 'unknown entitlement ent_1',
    });
    expect(reads.map((r) => r.orgId)).toEqual(['org_a', 'org_b']);
  });

  it('reads an entitlement that is not ACTIVE on every request: usage counts the moment it is', async () => {
    stored.set('ent_2', {
      ...entitlement('ent_2', EntitlementStatus.PENDING_START),
      startTime: new Date(Date.now() + 3_600_000),
    });
    const service = intake(5_000);
    const before = await service.record('org_a', [record({ entitlementId: 'ent_2' })]);
    stored.set('ent_2', entitlement('ent_2', EntitlementStatus.ACTIVE));
    const after = await service.record('org_a', [record({ entitlementId: 'ent_2' })]);
    expect(before[0].status).toBe(UsageRecordResult.rejected);
    expect(after[0].status).toBe(UsageRecordResult.accepted);
    expect(reads).toHaveLength(2);
  });

  it('reads again once the time is up, and every request with METERING_ENTITLEMENT_CACHE_MS=0', async () => {
    stored.set('ent_1', entitlement('ent_1', EntitlementStatus.ACTIVE));
    const short = intake(30);
    await short.record('org_a', [record({ entitlementId: 'ent_1' })]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    stored.set('ent_1', { ...entitlement('ent_1', EntitlementStatus.CANCELLED), endTime: started });
    const ended = await short.record('org_a', [record({ entitlementId: 'ent_1' })]);
    expect(ended[0].status).toBe(UsageRecordResult.rejected);
    expect(reads).toHaveLength(2);

    reads = [];
    stored.set('ent_1', entitlement('ent_1', EntitlementStatus.ACTIVE));
    const never = intake(0);
    await never.record('org_a', [record({ entitlementId: 'ent_1' })]);
    await never.record('org_a', [record({ entitlementId: 'ent_1' })]);
    expect(reads).toHaveLength(2);
  });
});
