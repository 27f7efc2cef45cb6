import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal, type RequestPrincipal, viewPage } from '@cppo/platform';
import { QuarantineQuery, SnsConfirmationPage, SnsConfirmationView } from './dto/quarantine.dto';
import { QuarantineService } from './quarantine.service';

/**
 * SNS subscription confirmations the hub received on its queue: a person confirms each by opening its
 * SubscribeURL (the hub makes no outbound call). An org sees its topics'; an operator also those of no org.
 */
@ApiTags('ingest')
@Controller('v1/ingest/sns-confirmations')
export class SnsConfirmationsController {
  constructor(private readonly quarantine: QuarantineService) {}

  @Get()
  @ApiOkResponse({ type: SnsConfirmationPage })
  async list(
    @Principal() principal: RequestPrincipal,
    @Query() query: QuarantineQuery,
  ): Promise<SnsConfirmationPage> {
    return viewPage(
      await this.quarantine.snsConfirmations(principal, { limit: query.limit, cursor: query.cursor }),
      SnsConfirmationView.from,
    );
  }
}
