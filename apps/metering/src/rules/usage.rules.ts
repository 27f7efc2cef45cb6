import { createHash } from 'node:crypto';
import { ENDED_ENTITLEMENT_STATUSES, EntitlementStatus } from '@cppo/contracts';
import type { Entitlement } from '@cppo/persistence';

export const HOUR_MS = 3_600_000;

/** AWS accepts a timestamp up to five minutes ahead (clock skew); later is "in the future". */
export const FUTURE_TOLERANCE_MS = 300_000;

export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The earliest hour AWS still accepts a record for at `now`: `windowHours` back, and never the previous
 * month once it closed at 06:00 UTC on the 1st (docs/aws-marketplace.md, "Metering").
 */
export function earliestAcceptedHour(now: number, windowHours: number): number {
  const at = new Date(now);
  const monthStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  const previousMonthClosed = now >= monthStart + 6 * HOUR_MS ? monthStart : -Infinity;
  return Math.max(now - windowHours * HOUR_MS, previousMonthClosed);
}

/** Why a timestamp cannot be billed at `now`, or undefined. */
export function timestampProblem(ts: number, now: number, windowHours: number): string | undefined {
  if (ts > now + FUTURE_TOLERANCE_MS) return `timestamp ${iso(ts)} is in the future`;
  const earliest = earliestAcceptedHour(now, windowHours);
  if (hourOf(ts) < earliest)
    return `timestamp ${iso(ts)} is outside AWS's acceptance window (hours from ${iso(Math.ceil(earliest / HOUR_MS) * HOUR_MS)} on)`;
  return undefined;
}

/** Ended because another agreement took over: the new licence carries the usage from its start. */
const SUCCEEDED = new Set<EntitlementStatus | undefined>([
  EntitlementStatus.REPLACED,
  EntitlementStatus.RENEWED,
]);

/**
 * When the entitlement ended: for one replaced or renewed, when its successor starts (its end time); else
 * the event time of its end, or its agreement's end date; else undefined.
 */
function endOf(e: Entitlement): number | undefined {
  if (SUCCEEDED.has(e.status) && e.endTime) return new Date(e.endTime).getTime();
  if (e.status && ENDED_ENTITLEMENT_STATUSES.has(e.status)) {
    const ended = [...(e.history ?? [])].reverse().find((h) => h.status === e.status);
    if (ended) return new Date(ended.at).getTime();
  }
  return e.endTime ? new Date(e.endTime).getTime() : undefined;
}

/**
 * Why the entitlement was not billable at `ts`, or undefined. Usage is accepted from its start to one hour
 * after it ended (AWS's final-usage window); after the licence was deprovisioned, never; after another
 * agreement replaced or renewed it, from the successor's start on the successor only (no final window:
 * each hour is reported on one licence).
 */
export function activityProblem(e: Entitlement, ts: number): string | undefined {
  if (!e.status) return `entitlement ${e._id} has no agreement yet`;
  const start = e.startTime ?? e.acceptanceTime;
  if (!start || ts < new Date(start).getTime())
    return `entitlement ${e._id} was not active at ${iso(ts)}${start ? ` (it starts ${iso(new Date(start).getTime())})` : ''}`;
  const end = endOf(e);
  if (end !== undefined && SUCCEEDED.has(e.status) && ts >= end)
    return `entitlement ${e._id} was ${e.status === EntitlementStatus.RENEWED ? 'renewed' : 'replaced'} at ${iso(end)}: send usage from then on to ${e.nextEntitlementId ? `entitlement ${e.nextEntitlementId}` : `the entitlement of agreement ${e.nextAgreementId ?? '(unknown)'}`}`;
  const grace = e.status === EntitlementStatus.DEPROVISIONED ? 0 : HOUR_MS;
  if (end !== undefined && ts >= end + grace)
    return `entitlement ${e._id} ended at ${iso(end)}; usage is accepted until ${grace ? 'one hour after' : 'then'}`;
  return undefined;
}

/** What tells a duplicate (same content) from a conflicting reuse of an idempotency key. */
export function usageContentHash(
  entitlementId: string,
  dimension: string,
  quantity: number,
  ts: number,
): string {
  return createHash('sha256').update(`${entitlementId}\n${dimension}\n${quantity}\n${ts}`).digest('hex');
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** `price × quantity` exactly, as a decimal string; undefined when the price is not a plain decimal. */
export function multiplyDecimal(price: string | undefined, quantity: number): string | undefined {
  const match = price ? DECIMAL.exec(price) : null;
  if (!match) return undefined;
  const [, whole, fraction = ''] = match;
  const digits = (BigInt(whole + fraction) * BigInt(quantity)).toString().padStart(fraction.length + 1, '0');
  return fraction.length ? `${digits.slice(0, -fraction.length)}.${digits.slice(-fraction.length)}` : digits;
}
