import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrgId } from '@cppo/platform';
import { EntitlementUsageView } from '@cppo/views';
import { UsageRangeQuery } from './dto/usage-range.query';
import { UsageRecordsBody, UsageRecordsResponse } from './dto/usage-records.dto';
import { UsageIntakeService } from './usage-intake.service';
import { UsageReport } from './usage-report.service';

@ApiTags('usage')
@Controller('v1')
export class UsageController {
  constructor(
    private readonly intake: UsageIntakeService,
    private readonly report: UsageReport,
  ) {}

  /**
   * Up to 1000 usage records; each is `accepted` (stored before this answers), a `duplicate` of one
   * stored under its idempotency key, or `rejected` with the reason — in request order.
   */
  @Post('usage-records')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: UsageRecordsResponse })
  async record(@OrgId() orgId: string, @Body() body: UsageRecordsBody): Promise<UsageRecordsResponse> {
    return { results: await this.intake.record(orgId, body.records) };
  }

  /** Usage per hour and dimension, with what was (or will be) reported to AWS and its wholesale value. */
  @Get('entitlements/:id/usage')
  @ApiOkResponse({ type: EntitlementUsageView })
  async usageOf(
    @OrgId() orgId: string,
    @Param('id') id: string,
    @Query() query: UsageRangeQuery,
  ): Promise<EntitlementUsageView> {
    return this.report.of(orgId, id, query);
  }
}
