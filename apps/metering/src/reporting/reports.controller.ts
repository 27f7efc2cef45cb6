import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrgId, viewPage } from '@cppo/platform';
import { MeteringReportView } from '@cppo/views';
import { MeteringReportListQuery, MeteringReportPage } from './dto/metering-report.queries';
import { MeteringReports } from './metering-reports.service';

@ApiTags('metering-reports')
@Controller('v1/metering-reports')
export class ReportsController {
  constructor(private readonly reports: MeteringReports) {}

  /** The ledger, newest hour first; `?status=` and `?flagged=true` find what needs a person. */
  @Get()
  @ApiOkResponse({ type: MeteringReportPage })
  async list(@OrgId() orgId: string, @Query() query: MeteringReportListQuery): Promise<MeteringReportPage> {
    const { limit, cursor, ...filter } = query;
    return viewPage(await this.reports.list(orgId, filter, { limit, cursor }), MeteringReportView.from);
  }

  @Get(':id')
  @ApiOkResponse({ type: MeteringReportView })
  async get(@OrgId() orgId: string, @Param('id') id: string): Promise<MeteringReportView> {
    return MeteringReportView.from(await this.reports.get(orgId, id));
  }

  /** Sends a report that needs a person again, while AWS's window for its hour is still open. */
  @Post(':id/retry')
  @HttpCode(202)
  @ApiOkResponse({ type: MeteringReportView })
  async retry(@OrgId() orgId: string, @Param('id') id: string): Promise<MeteringReportView> {
    return MeteringReportView.from(await this.reports.retry(orgId, id));
  }
}
