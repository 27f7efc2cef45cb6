import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrgId, viewPage } from '@cppo/platform';
import { OfferPage, OfferView } from '@cppo/views';
import { OfferListQuery } from './dto/offer-list.query';
import { OfferLookup } from './offer-lookup.service';

/** The Offer view over both types: the ISV's opportunities (CPPO_OUT) and partners' CPPO offers. */
@ApiTags('offers')
@Controller('v1/offers')
export class OffersController {
  constructor(private readonly offers: OfferLookup) {}

  @Get()
  @ApiOkResponse({ type: OfferPage })
  async list(@OrgId() orgId: string, @Query() query: OfferListQuery): Promise<OfferPage> {
    return viewPage(
      await this.offers.list(
        orgId,
        { type: query.type, status: query.status },
        { limit: query.limit, cursor: query.cursor },
      ),
      OfferView.from,
    );
  }

  @Get(':id')
  @ApiOkResponse({ type: OfferView })
  async get(@OrgId() orgId: string, @Param('id') id: string): Promise<OfferView> {
    const offer = await this.offers.byId(orgId, id);
    if (!offer) throw new NotFoundException(`offer ${id} not found`);
    return OfferView.from(offer);
  }
}
