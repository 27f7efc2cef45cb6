import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiIdempotencyKey, OrgId, Principal, type RequestPrincipal, viewPage } from '@cppo/platform';
import { ChainView, OfferPage, OfferView } from '@cppo/views';
import { ChangeSetPublisher } from '../change-sets/change-set.publisher';
import { CreateOpportunity } from './create-opportunity.service';
import { CloneOpportunityDto } from './dto/clone-opportunity.dto';
import { CreateOpportunityDto } from './dto/create-opportunity.dto';
import { OpportunityListQuery } from './dto/opportunity-list.query';
import { OpportunityQueries } from './opportunity.queries';
import { RestrictOpportunity } from './restrict-opportunity.service';

const IDEMPOTENCY = ApiIdempotencyKey();
const actor = (principal: RequestPrincipal) => `apikey:${principal.apiKeyId}`;

@ApiTags('opportunities')
@Controller('v1/opportunities')
export class OpportunitiesController {
  constructor(
    private readonly creating: CreateOpportunity,
    private readonly restricting: RestrictOpportunity,
    private readonly queries: OpportunityQueries,
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
    const created = await this.creating.create(principal.orgId, actor(principal), body);
    this.publisher.kick();
    return OfferView.from(created);
  }

  @Get()
  @ApiOkResponse({ type: OfferPage })
  async list(@OrgId() orgId: string, @Query() query: OpportunityListQuery): Promise<OfferPage> {
    return viewPage(await this.queries.list(orgId, query), OfferView.from);
  }

  @Get(':id')
  @ApiOkResponse({ type: OfferView })
  async get(@OrgId() orgId: string, @Param('id') id: string): Promise<OfferView> {
    return OfferView.from(await this.queries.get(orgId, id));
  }

  /** Irreversible, only from ACTIVE; RESTRICTED once AWS applied it. */
  @Post(':id/restrict')
  @HttpCode(202)
  @IDEMPOTENCY
  @ApiAcceptedResponse({ type: OfferView })
  async restrict(@Principal() principal: RequestPrincipal, @Param('id') id: string): Promise<OfferView> {
    const offer = await this.restricting.restrict(principal.orgId, actor(principal), id);
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
    const created = await this.creating.clone(principal.orgId, actor(principal), id, body);
    this.publisher.kick();
    return OfferView.from(created);
  }

  @Get(':id/chain')
  @ApiOkResponse({ type: ChainView })
  chain(@OrgId() orgId: string, @Param('id') id: string): Promise<ChainView> {
    return this.queries.chain(orgId, id);
  }
}
