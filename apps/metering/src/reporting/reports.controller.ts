import {
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MeteringReportStatus } from '@cppo/contracts';
import { MeteringReportRepository } from '@cppo/persistence';
import { OrgId } from '@cppo/platform';
import { MeteringReportView } from '@cppo/views';
import { MeteringEnv } from '../config/metering.env';
import { earliestAcceptedHour } from '../usage/usage.rules';
import { MeteringReportListQuery, MeteringReportPage } from './dto/metering-report.queries';

/** States a person may send again (after fixing the cause: a subscription, a licence, AWS support). */
const RETRYABLE = [
  MeteringReportStatus.CONFLICT,
  MeteringReportStatus.NOT_SUBSCRIBED,
  MeteringReportStatus.EXPIRED_WINDOW,
  MeteringReportStatus.FAILED,
];

@ApiTags('metering-reports')
@Controller('v1/metering-reports')
export class ReportsController {
  constructor(
    private readonly env: MeteringEnv,
    private readonly reports: MeteringReportRepository,
  ) {}

  /** The ledger, newest hour first; `?status=` and `?flagged=true` find what needs a person. */
  @Get()
  @ApiOkResponse({ type: MeteringReportPage })
  async list(@OrgId() orgId: string, @Query() query: MeteringReportListQuery): Promise<MeteringReportPage> {
    const { limit, cursor, ...filter } = query;
    const page = await this.reports.list(orgId, filter, { limit, cursor });
    return { items: page.items.map(MeteringReportView.from), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOkResponse({ type: MeteringReportView })
  async get(@OrgId() orgId: string, @Param('id') id: string): Promise<MeteringReportView> {
    const report = await this.reports.findById(orgId, id);
    if (!report) throw new NotFoundException(`metering report ${id} not found`);
    return MeteringReportView.from(report);
  }

  /** Sends a report that needs a person again, while AWS's window for its hour is still open. */
  @Post(':id/retry')
  @HttpCode(202)
  @ApiOkResponse({ type: MeteringReportView })
  async retry(@OrgId() orgId: string, @Param('id') id: string): Promise<MeteringReportView> {
    const report = await this.reports.findById(orgId, id);
    if (!report) throw new NotFoundException(`metering report ${id} not found`);
    if (!RETRYABLE.includes(report.status))
      throw new ConflictException(
        `metering report ${id} is ${report.status}: only ${RETRYABLE.join(', ')} can be retried`,
      );
    if (report.hour.getTime() < earliestAcceptedHour(Date.now(), this.env.METERING_WINDOW_HOURS))
      throw new ConflictException(`AWS no longer accepts usage for ${report.hour.toISOString()}`);
    const retried = await this.reports.retry(orgId, id, RETRYABLE);
    if (!retried) throw new ConflictException(`metering report ${id} changed meanwhile; read it again`);
    return MeteringReportView.from(retried);
  }
}
