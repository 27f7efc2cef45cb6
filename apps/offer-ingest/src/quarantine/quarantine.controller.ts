import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal, type RequestPrincipal, viewPage } from '@cppo/platform';
import { QuarantinedView, QuarantinePage, QuarantineQuery } from './dto/quarantine.dto';
import { QuarantineService } from './quarantine.service';

/** The quarantine, as the caller's org (or an operator) may see it (QuarantineService). */
@ApiTags('ingest')
@Controller('v1/ingest/quarantine')
export class QuarantineController {
  constructor(private readonly quarantine: QuarantineService) {}

  @Get()
  @ApiOkResponse({ type: QuarantinePage })
  async list(
    @Principal() principal: RequestPrincipal,
    @Query() query: QuarantineQuery,
  ): Promise<QuarantinePage> {
    return viewPage(
      await this.quarantine.list(principal, { limit: query.limit, cursor: query.cursor }),
      QuarantinedView.from,
    );
  }

  /** Processes the stored notification again; it leaves quarantine if it now succeeds. */
  @Post(':id/replay')
  @HttpCode(200)
  @ApiOkResponse({ type: QuarantinedView })
  async replay(@Principal() principal: RequestPrincipal, @Param('id') id: string): Promise<QuarantinedView> {
    return QuarantinedView.from(await this.quarantine.replay(principal, id));
  }
}
