import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { LimitQuery, OrgId } from '@cppo/platform';
import { UnlinkedList } from './dto/unlinked.list';
import { ReconciliationService } from './reconciliation.service';

/** What is still missing a link (ReconciliationService). */
@ApiTags('reconciliation')
@Controller('v1/reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get('unlinked')
  @ApiOkResponse({ type: UnlinkedList })
  unlinked(@OrgId() orgId: string, @Query() query: LimitQuery): Promise<UnlinkedList> {
    return this.reconciliation.unlinked(orgId, query.limit);
  }
}
