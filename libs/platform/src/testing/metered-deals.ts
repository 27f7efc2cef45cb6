import type { Connection } from 'mongoose';
import { EntitlementStatus, EntitlementType } from '@cppo/contracts';
import { newId } from '@cppo/persistence';
import { randomAccountId } from './orgs';
import { PARTNER, PRODUCT, PRODUCT_CODE, type RunningSimulator } from '@cppo/testing';

export const HOUR = 3_600_000;
export const DIMENSIONS = ['api_calls', 'storage_gb'] as const;

/** A buyer's accepted CPPO agreement in the simulator and its entitlement in our database. */
export interface MeteredDeal {
  entitlementId: string;
  agreementId: string;
  licenseArn: string;
  buyer: string;
  customerIdentifier: string;
}

/** The start of the hour `hoursAgo` hours before the current one. */
export const hourStart = (hoursAgo: number, now = Date.now()): number =>
  Math.floor(now / HOUR) * HOUR - hoursAgo * HOUR;

/**
 * `count` buyers, each accepting a private offer of the product in the simulator (metering does not care
 * who proposed it), their agreements started `startedHoursAgo` hours ago; and the matching ACTIVE CPPO
 * entitlements written into `db` for `orgId` (as the entitlement service would have them), with
 * `grants(i)` per deal.
 */
export async function meteredDeals(
  sim: Pick<RunningSimulator, 'scenario'>,
  db: Connection,
  orgId: string,
  count: number,
  options: {
    startedHoursAgo?: number;
    /** An exact start (e.g. at :30), instead of the start of the hour `startedHoursAgo` ago. */
    startTime?: Date;
    /** Another product of the ISV than PRODUCT (its id and code). */
    product?: { id: string; code: string };
    grants?: (i: number) => { dimensionKey: string; quantity: number }[];
  } = {},
): Promise<MeteredDeal[]> {
  const startTime = (options.startTime ?? new Date(hourStart(options.startedHoursAgo ?? 8)))
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const product = options.product ?? { id: PRODUCT, code: PRODUCT_CODE };
  const deals: MeteredDeal[] = [];
  for (let i = 0; i < count; i++) {
    const buyer = randomAccountId();
    const offer = await sim.scenario('POST', '/_sim/seller/offers', {
      productId: product.id,
      buyerAccountIds: [buyer],
    });
    if (offer.status !== 200) throw new Error(`offer failed: ${JSON.stringify(offer.body)}`);
    const agreement = await sim.scenario('POST', '/_sim/buyer/accept', {
      offerId: offer.body.id,
      buyerAccountId: buyer,
      startTime,
    });
    if (agreement.status !== 200) throw new Error(`accept failed: ${JSON.stringify(agreement.body)}`);
    deals.push({
      entitlementId: newId('ent'),
      agreementId: agreement.body.id,
      licenseArn: agreement.body.licenseArn,
      buyer,
      customerIdentifier: agreement.body.customerIdentifier,
    });
  }
  await db.collection('entitlements').insertMany(
    deals.map((deal, i) => ({
      _id: deal.entitlementId as never,
      orgId,
      agreementId: deal.agreementId,
      version: 1,
      facts: [],
      type: EntitlementType.CPPO,
      status: EntitlementStatus.ACTIVE,
      buyerAccountId: deal.buyer,
      resellerAccountId: PARTNER,
      productId: product.id,
      productCode: product.code,
      licenseArn: deal.licenseArn,
      startTime: new Date(startTime),
      acceptanceTime: new Date(startTime),
      grants: options.grants?.(i) ?? [],
      usagePrices: [{ dimensionKey: 'api_calls', price: '0.002' }],
      wholesalePrices: [
        { dimensionKey: 'api_calls', price: '0.002' },
        { dimensionKey: 'storage_gb', price: '0.1' },
      ],
      agreementApi: { status: 'OK' },
      link: { missing: [] },
      history: [{ status: EntitlementStatus.ACTIVE, at: new Date(startTime) }],
      outbox: [],
    })),
  );
  return deals;
}

export interface UsageInput {
  entitlementId: string;
  dimension: string;
  quantity: number;
  timestamp: string;
  idempotencyKey: string;
}

/**
 * `count` usage records spread over the hours `hoursAgo` (each a whole past hour), the deals and both usage
 * dimensions, with quantities 0-49 from a fixed seed; and their expected sums per
 * `${entitlementId}|${dimension}|${hourStart}`.
 */
export function usageFor(
  deals: MeteredDeal[],
  count: number,
  hoursAgo: number[],
  run: string,
  now = Date.now(),
): { records: UsageInput[]; sums: Map<string, number> } {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n; // the high bits: an LCG's low bits repeat quickly
  };
  const records: UsageInput[] = [];
  const sums = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const deal = deals[i % deals.length];
    const dimension = DIMENSIONS[next(DIMENSIONS.length)];
    const hour = hourStart(hoursAgo[next(hoursAgo.length)], now);
    const quantity = next(50);
    records.push({
      entitlementId: deal.entitlementId,
      dimension,
      quantity,
      timestamp: new Date(hour + next(HOUR)).toISOString(),
      idempotencyKey: `${run}-${i}`,
    });
    const key = `${deal.entitlementId}|${dimension}|${hour}`;
    sums.set(key, (sums.get(key) ?? 0) + quantity);
  }
  return { records, sums };
}

/** One record the simulator's Metering API holds (`GET /_sim/metering-records`). */
export interface SimMeteringRecord {
  licenseArn?: string;
  dimension: string;
  hour: string;
  /** The record's Timestamp as AWS received it (ISO). */
  timestamp: string;
  quantity: number;
  meteringRecordId: string;
  sends: number;
  conflicts: number;
  path: string;
}

/** What the simulator holds for these deals, by `${entitlementId}|${dimension}|${hourStart}`. */
export async function simMeteringRecords(
  sim: Pick<RunningSimulator, 'scenario'>,
  deals: MeteredDeal[],
): Promise<Map<string, SimMeteringRecord>> {
  const licences = new Map(deals.map((d) => [d.licenseArn, d.entitlementId]));
  const all = (await sim.scenario<SimMeteringRecord[]>('GET', '/_sim/metering-records')).body;
  return new Map(
    all
      .filter((r) => r.licenseArn && licences.has(r.licenseArn))
      .map((r) => [`${licences.get(r.licenseArn as string)}|${r.dimension}|${Date.parse(r.hour)}`, r]),
  );
}

/** AWS holds exactly one record per expected key, with exactly that quantity, and no conflicting resend. */
export function expectBilledExactly(
  held: Map<string, SimMeteringRecord>,
  expected: Map<string, number>,
): void {
  expect(held.size).toBe(expected.size);
  for (const [key, quantity] of expected)
    expect({ key, quantity: held.get(key)?.quantity, conflicts: held.get(key)?.conflicts }).toEqual({
      key,
      quantity,
      conflicts: 0,
    });
}
