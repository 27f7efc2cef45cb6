import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { EntitlementRepository, MeteringReportRepository, UsageRecordRepository } from '@cppo/persistence';
import type { EntitlementUsageView, HourlyUsageView } from '@cppo/views';
import { figures } from '../rules/report.rules';
import type { UsageRangeQuery } from './dto/usage-range.query';
import { HOUR_MS, hourOf } from '../rules/usage.rules';

const MAX_RANGE_HOURS = 31 * 24;

/** An entitlement's usage per hour and dimension, with what was (or will be) reported to AWS. */
@Injectable()
export class UsageReport {
  constructor(
    private readonly entitlements: EntitlementRepository,
    private readonly usage: UsageRecordRepository,
    private readonly reports: MeteringReportRepository,
  ) {}

  async of(orgId: string, id: string, range: UsageRangeQuery): Promise<EntitlementUsageView> {
    const to = range.to ? Date.parse(range.to) : hourOf(Date.now()) + HOUR_MS;
    const from = range.from ? Date.parse(range.from) : to - 24 * HOUR_MS;
    if (from >= to) throw new BadRequestException(['from must be before to']);
    if (to - from > MAX_RANGE_HOURS * HOUR_MS)
      throw new BadRequestException([`from-to may span at most ${MAX_RANGE_HOURS} hours`]);
    const entitlement = await this.entitlements.findVisible(orgId, id);
    if (!entitlement?.status) throw new NotFoundException(`entitlement ${id} not found`);
    const [sums, reports] = await Promise.all([
      this.usage.hourlyUsageOf(orgId, id, new Date(hourOf(from)), new Date(to)),
      this.reports.forEntitlement(orgId, id, new Date(hourOf(from)), new Date(to)),
    ]);
    const reportOf = new Map(reports.map((r) => [`${r.hour.getTime()}|${r.dimension}`, r]));
    const hours: HourlyUsageView[] = sums.map((sum) => {
      const report = reportOf.get(`${sum.hour.getTime()}|${sum.dimension}`);
      // A report's figures as it was made; for an hour without one, as it would be made now.
      const billed = report ?? figures(entitlement, sum.dimension, sum.usage);
      return {
        hour: sum.hour.toISOString(),
        dimension: sum.dimension,
        usage: sum.usage,
        included: billed.includedQuantity,
        overage: billed.overageQuantity,
        wholesaleValue: billed.wholesaleValue,
        status: report?.status ?? 'OPEN',
        meteringRecordId: report?.meteringRecordId,
        reportId: report?._id,
        lateQuantity: report?.lateQuantity,
      };
    });
    hours.sort((a, b) => a.hour.localeCompare(b.hour) || a.dimension.localeCompare(b.dimension));
    return {
      entitlementId: id,
      from: new Date(hourOf(from)).toISOString(),
      to: new Date(to).toISOString(),
      hours,
    };
  }
}
