import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  OpportunityBatchRepository,
  OpportunityRepository,
  PartnerRepository,
  type OpportunityBatch,
} from '@cppo/persistence';
import { ApiIdempotencyKey, OrgId, Principal, type RequestPrincipal, viewPage } from '@cppo/platform';
import { ChainView, OfferPage, OfferView } from '@cppo/views';
import { ChangeSetPublisher } from '../change-sets/change-set.publisher';
import { CreateOpportunity } from './create-opportunity.service';
import { BatchView, BulkCreateOpportunitiesDto } from './dto/bulk-create.dto';
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
    private readonly batches: OpportunityBatchRepository,
    private readonly opportunities: OpportunityRepository,
    private readonly partners: PartnerRepository,
  ) {}

  /**
   * One set of terms → one opportunity per partner (AWS has one reseller per authorization), published in
   * the background; the same request again answers the same batch and creates nothing.
   */
  @Post('bulk')
  @HttpCode(202)
  @IDEMPOTENCY
  @ApiAcceptedResponse({ type: BatchView })
  async bulk(
    @Principal() principal: RequestPrincipal,
    @Body() body: BulkCreateOpportunitiesDto,
  ): Promise<BatchView> {
    const batch = await this.creating.bulk(principal.orgId, actor(principal), body);
    this.publisher.kick();
    return this.batchView(principal.orgId, batch);
  }

  /** A bulk create's progress: each partner's opportunity and where it stands. */
  @Get('bulk/:id')
  @ApiOkResponse({ type: BatchView })
  async batch(@OrgId() orgId: string, @Param('id') id: string): Promise<BatchView> {
    const batch = await this.batches.find(orgId, id);
    if (!batch) throw new NotFoundException(`batch ${id} not found`);
    return this.batchView(orgId, batch);
  }

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

  private async batchView(orgId: string, batch: OpportunityBatch): Promise<BatchView> {
    const names = new Map(
      (await this.partners.list(orgId, {}, { limit: 200 })).items.map((p) => [p.awsAccountId, p.name]),
    );
    const items = await Promise.all(
      batch.items.map(async (item) => {
        const offer = await this.opportunities.findById(orgId, item.opportunityId);
        const errors = offer?.marketplace?.errors?.map((e) => `${e.code}: ${e.message}`);
        return {
          resellerAccountId: item.resellerAccountId,
          partnerName: names.get(item.resellerAccountId),
          opportunityId: item.opportunityId,
          status: offer?.status ?? 'PENDING',
          ...(errors?.length ? { errors } : {}),
        };
      }),
    );
    const counts: Record<string, number> = {};
    for (const item of items) counts[item.status] = (counts[item.status] ?? 0) + 1;
    return {
      id: batch._id,
      name: batch.name,
      productId: batch.productId,
      status: counts['PENDING'] ? 'RUNNING' : 'DONE',
      counts,
      items,
      createdAt: new Date(batch.createdAt ?? 0).toISOString(),
    };
  }

  @Get(':id/chain')
  @ApiOkResponse({ type: ChainView })
  chain(@OrgId() orgId: string, @Param('id') id: string): Promise<ChainView> {
    return this.queries.chain(orgId, id);
  }
}
