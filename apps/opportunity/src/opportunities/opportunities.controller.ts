import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { OrgId, Principal, type RequestPrincipal } from '@cppo/platform';
import { OfferPage, OfferView } from '../offers/dto/offer.view';
import { ChangeSetPublisher } from './change-set.publisher';
import { CloneOpportunityDto } from './dto/clone-opportunity.dto';
import { CreateOpportunityDto } from './dto/create-opportunity.dto';
import { OpportunityListQuery } from './dto/opportunity-list.query';
import { OpportunitiesService } from './opportunities.service';

class ChainView {
  @ApiProperty({ type: OfferView }) opportunity: OfferView;
  @ApiProperty({ type: [OfferView] }) offers: OfferView[];
  @ApiProperty({ type: [Object] }) entitlements: Record<string, unknown>[];
}

const IDEMPOTENCY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'same key + same body → the first result',
});
const actor = (principal: RequestPrincipal) => `apikey:${principal.apiKeyId}`;

@ApiTags('opportunities')
@Controller('v1/opportunities')
export class OpportunitiesController {
  constructor(
    private readonly opportunities: OpportunitiesService,
    private readonly publisher: ChangeSetPublisher,
  ) {}

  /** Stores the opportunity PENDING and publishes it to AWS in the background. */
  @Post()
  @HttpCode(202)
  @IDEMPOTENCY
  @ApiAcceptedResponse({ type: OfferView })
  async create(
    @Principal() principal: RequestPrincipal,
    @Body() body: CreateOpportunityDto,
  ): Promise<OfferView> {
    const created = await this.opportunities.create(principal.orgId, actor(principal), body);
    this.publisher.kick();
    return OfferView.from(created);
  }

  @Get()
  @ApiOkResponse({ type: OfferPage })
  async list(@OrgId() orgId: string, @Query() query: OpportunityListQuery): Promise<OfferPage> {
    const page = await this.opportunities.list(orgId, query);
    return { items: page.items.map(OfferView.from), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOkResponse({ type: OfferView })
  async get(@OrgId() orgId: string, @Param('id') id: string): Promise<OfferView> {
    return OfferView.from(await this.opportunities.get(orgId, id));
  }

  /** Irreversible, only from ACTIVE; RESTRICTED once AWS applied it. */
  @Post(':id/restrict')
  @HttpCode(202)
  @IDEMPOTENCY
  @ApiAcceptedResponse({ type: OfferView })
  async restrict(@Principal() principal: RequestPrincipal, @Param('id') id: string): Promise<OfferView> {
    const offer = await this.opportunities.restrict(principal.orgId, actor(principal), id);
    this.publisher.kick();
    return OfferView.from(offer);
  }

  /** A new PENDING opportunity from this one's fields plus the body's overrides. */
  @Post(':id/clone')
  @HttpCode(202)
  @IDEMPOTENCY
  @ApiAcceptedResponse({ type: OfferView })
  async clone(
    @Principal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() body: CloneOpportunityDto,
  ): Promise<OfferView> {
    const created = await this.opportunities.clone(principal.orgId, actor(principal), id, body);
    this.publisher.kick();
    return OfferView.from(created);
  }

  @Get(':id/chain')
  @ApiOkResponse({ type: ChainView })
  async chain(@OrgId() orgId: string, @Param('id') id: string): Promise<ChainView> {
    const chain = await this.opportunities.chain(orgId, id);
    return {
      opportunity: OfferView.from(chain.opportunity),
      offers: chain.offers.map(OfferView.from),
      entitlements: chain.entitlements.map(({ outbox: _outbox, orgId: _orgId, _id, ...rest }) => ({
        id: _id,
        ...rest,
      })),
    };
  }
}
