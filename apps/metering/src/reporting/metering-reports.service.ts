import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { RETRYABLE_METERING_REPORT_STATUSES } from '@cppo/contracts';
import {
  MeteringReportRepository,
  type MeteringReport,
  type MeteringReportFilter,
  type Page,
  type PageRequest,
} from '@cppo/persistence';
import { MeteringEnv } from '../config/metering.env';
import { earliestAcceptedHour } from '../rules/usage.rules';

/** The ledger as people see it: reports listed, read, and sent again when they need a person. */
@Injectable()
export class MeteringReports {
  constructor(
    private readonly env: MeteringEnv,
    private readonly reports: MeteringReportRepository,
  ) {}

  list(orgId: string, filter: MeteringReportFilter, page: PageRequest): Promise<Page<MeteringReport>> {
    return this.reports.list(orgId, filter, page);
  }

  async get(orgId: string, id: string): Promise<MeteringReport> {
    const report = await this.reports.findById(orgId, id);
    if (!report) throw new NotFoundException(`metering report ${id} not found`);
    return report;
  }

  /** Sends a report that needs a person again, while AWS's window for its hour is still open. */
  async retry(orgId: string, id: string): Promise<MeteringReport> {
    const report = await this.get(orgId, id);
    if (!RETRYABLE_METERING_REPORT_STATUSES.includes(report.status))
      throw new ConflictException(
        `metering report ${id} is ${report.status}: only ${RETRYABLE_METERING_REPORT_STATUSES.join(', ')} can be retried`,
      );
    if (report.hour.getTime() < earliestAcceptedHour(Date.now(), this.env.METERING_WINDOW_HOURS))
      throw new ConflictException(`AWS no longer accepts usage for ${report.hour.toISOString()}`);
    const retried = await this.reports.retry(orgId, id, RETRYABLE_METERING_REPORT_STATUSES);
    if (!retried) throw new ConflictException(`metering report ${id} changed meanwhile; read it again`);
    return retried;
  }
}
