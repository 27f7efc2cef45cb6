import { Injectable } from '@nestjs/common';
import { EntitlementStatus, MeteringReportStatus } from '@cppo/contracts';
import {
  EntitlementRepository,
  MeteringReportRepository,
  UsageRecordRepository,
  type Entitlement,
  type HourlyUsage,
  type MeteringReport,
} from '@cppo/persistence';
import { MeteringEnv } from '../config/metering.env';
import { HOUR_MS, hourOf } from '../rules/usage.rules';
import { customerOf, figures, meteringReportId } from '../rules/report.rules';

/** Statuses of an entitlement another one took over from. */
const SUCCEEDED = new Set<EntitlementStatus | undefined>([
  EntitlementStatus.REPLACED,
  EntitlementStatus.RENEWED,
]);

/** Whether the entitlement's licence started inside the hour, after its first instant. */
function startsWithin(e: Entitlement, hour: number): boolean {
  const start = e.startTime ? new Date(e.startTime).getTime() : NaN;
  return start > hour && start < hour + HOUR_MS;
}

/**
 * Makes the ledger's reports: for every closed hour still in AWS's window, the usage summed per
 * (entitlement, dimension) becomes one report — once; its figures never change afterwards. Usage that
 * arrives for an hour already reported is recorded on the report as late and flagged, never sent.
 */
@Injectable()
export class MeteringLedger {
  constructor(
    private readonly env: MeteringEnv,
    private readonly usage: UsageRecordRepository,
    private readonly reports: MeteringReportRepository,
    private readonly entitlements: EntitlementRepository,
  ) {}

  /** Hours this process has made every report of (closed, scanned after they closed). */
  private readonly ledgered = new Set<number>();
  private lastFullScan = 0;

  /**
   * Makes the reports of the closed hours not ledgered yet, and returns the new ones. Every
   * METERING_LATE_SCAN_MS the whole window is read again, to find usage that came after its hour's report.
   */
  async run(now: number): Promise<{ created: MeteringReport[]; late: number }> {
    const to = hourOf(now - this.env.METERING_SETTLE_MS);
    const from = hourOf(now) - (this.env.METERING_WINDOW_HOURS + 1) * HOUR_MS;
    for (const hour of this.ledgered) if (hour < from) this.ledgered.delete(hour);
    const fullScan = now - this.lastFullScan >= this.env.METERING_LATE_SCAN_MS;
    let first = from;
    if (!fullScan) while (first < to && this.ledgered.has(first)) first += HOUR_MS;
    if (to <= first) return { created: [], late: 0 };
    const [sums, existing] = await Promise.all([
      this.usage.hourlySums(new Date(first), new Date(to)),
      this.reports.inRange(new Date(first), new Date(to)),
    ]);
    const known = new Map(existing.map((r) => [r._id, r]));
    const idOf = (sum: HourlyUsage, entitlementId = sum.entitlementId) =>
      meteringReportId(sum.orgId, entitlementId, sum.dimension, sum.hour.getTime());
    const fresh = sums.filter((sum) => !known.has(idOf(sum)));
    const entitlements = await this.entitlements.findOwned(fresh);
    await this.addNeighbours(entitlements);
    // Every report's usage: its own entitlement's, plus what a replacement's switch hour moves to it.
    const groups = new Map<string, { sum: HourlyUsage; entitlementId: string }>();
    for (const sum of sums) {
      const target = known.has(idOf(sum))
        ? sum.entitlementId
        : this.switchHourOwner(sum, entitlements, (id) => known.has(idOf(sum, id)));
      const id = idOf(sum, target);
      const group = groups.get(id);
      if (group) group.sum = { ...group.sum, usage: group.sum.usage + sum.usage };
      else groups.set(id, { sum: { ...sum, entitlementId: target }, entitlementId: target });
    }
    const made: { id: string; sum: HourlyUsage }[] = [];
    let late = 0;
    for (const [id, { sum }] of groups) {
      const report = known.get(id);
      if (!report) made.push({ id, sum });
      else if (sum.usage !== report.usageQuantity + (report.lateQuantity ?? 0)) {
        await this.reports.flagLate(id, sum.usage - report.usageQuantity);
        late++;
      }
    }
    const created = await this.reports.createMany(
      made.map(({ id, sum }) => this.report(id, sum, entitlements.get(sum.entitlementId), now)),
    );
    for (let hour = first; hour < to; hour += HOUR_MS) this.ledgered.add(hour);
    if (fullScan) this.lastFullScan = now;
    return { created, late };
  }

  /**
   * The hour in which a replacement (or renewal) took over belongs to one licence only, never both: the new
   * one, stamped at its start (AWS accepts usage from the licence's start); usage the old entitlement
   * recorded earlier in that hour moves there. If the old licence's report of that hour was made before the
   * replacement was known, the new entitlement's usage of the hour joins it instead (as late usage, flagged).
   */
  private switchHourOwner(
    sum: HourlyUsage,
    entitlements: Map<string, Entitlement>,
    reported: (entitlementId: string) => boolean,
  ): string {
    const e = entitlements.get(sum.entitlementId);
    const hour = sum.hour.getTime();
    const next = e?.nextEntitlementId ? entitlements.get(e.nextEntitlementId) : undefined;
    if (e && next && SUCCEEDED.has(e.status) && startsWithin(next, hour)) return next._id;
    const previous = e?.previousEntitlementId ? entitlements.get(e.previousEntitlementId) : undefined;
    if (e && previous && startsWithin(e, hour) && reported(previous._id)) return previous._id;
    return sum.entitlementId;
  }

  /** The entitlements before and after those given, where a replacement or renewal links them. */
  private async addNeighbours(entitlements: Map<string, Entitlement>): Promise<void> {
    const wanted: { orgId: string; entitlementId: string }[] = [];
    for (const e of entitlements.values()) {
      for (const id of [e.nextEntitlementId, e.previousEntitlementId])
        if (id && !entitlements.has(id)) wanted.push({ orgId: e.orgId, entitlementId: id });
    }
    if (!wanted.length) return;
    for (const [id, e] of await this.entitlements.findOwned(wanted)) entitlements.set(id, e);
  }

  private report(
    id: string,
    sum: HourlyUsage,
    e: Entitlement | undefined,
    now: number,
  ): Omit<MeteringReport, 'createdAt' | 'updatedAt'> {
    const base = {
      _id: id,
      orgId: sum.orgId,
      entitlementId: sum.entitlementId,
      agreementId: e?.agreementId,
      dimension: sum.dimension,
      hour: sum.hour,
      usageQuantity: sum.usage,
      ...figures(e, sum.dimension, sum.usage),
      customer: customerOf(e),
      attempts: 0,
    };
    if (!e)
      return {
        ...base,
        status: MeteringReportStatus.FAILED,
        flagged: true,
        lastError: 'entitlement not found',
      };
    if (base.overageQuantity === 0 && !this.env.METERING_ZERO_RECORDS)
      return { ...base, status: MeteringReportStatus.NO_OVERAGE };
    return { ...base, status: MeteringReportStatus.PENDING, nextAttemptAt: new Date(now) };
  }
}
