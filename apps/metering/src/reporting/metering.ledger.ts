import { Injectable } from '@nestjs/common';
import { MeteringReportStatus } from '@cppo/contracts';
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
    const fresh: { id: string; sum: HourlyUsage }[] = [];
    let late = 0;
    for (const sum of sums) {
      const id = meteringReportId(sum.orgId, sum.entitlementId, sum.dimension, sum.hour.getTime());
      const report = known.get(id);
      if (!report) fresh.push({ id, sum });
      else if (sum.usage !== report.usageQuantity + (report.lateQuantity ?? 0)) {
        await this.reports.flagLate(id, sum.usage - report.usageQuantity);
        late++;
      }
    }
    const entitlements = await this.entitlements.findOwned(fresh.map((f) => f.sum));
    const created = await this.reports.createMany(
      fresh.map(({ id, sum }) => this.report(id, sum, entitlements.get(sum.entitlementId), now)),
    );
    for (let hour = first; hour < to; hour += HOUR_MS) this.ledgered.add(hour);
    if (fullScan) this.lastFullScan = now;
    return { created, late };
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
