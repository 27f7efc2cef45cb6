import { createHash } from 'node:crypto';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { dimensionProblems, OfferStatus, opportunityProblems, RoutingKeys, today } from '@cppo/contracts';
import { CatalogGateway } from '@cppo/marketplace';
import {
  AuditEventRepository,
  isDuplicateKeyError,
  newId,
  OpportunityBatchRepository,
  type OpportunityBatch,
  OpportunityRepository,
  opportunityTermsOf,
  type Offer,
  type OpportunityStoredTerms,
} from '@cppo/persistence';
import type { BulkCreateOpportunitiesDto } from './dto/bulk-create.dto';
import type { CreateOpportunityDto } from './dto/create-opportunity.dto';
import { OpportunityHistory } from '../history/opportunity.history';
import { OpportunityQueries } from './opportunity.queries';

/**
 * Creates an opportunity (or clones one): AWS's rules checked up front, then stored PENDING with its
 * `created` event; the change-set publisher submits it.
 */
@Injectable()
export class CreateOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly queries: OpportunityQueries,
    private readonly catalog: CatalogGateway,
    private readonly history: OpportunityHistory,
    private readonly audit: AuditEventRepository,
    private readonly batches: OpportunityBatchRepository,
  ) {}

  async create(orgId: string, actor: string, dto: CreateOpportunityDto): Promise<Offer> {
    await this.check(orgId, dto);
    return this.store(orgId, actor, dto, newId('off'));
  }

  /**
   * One set of terms for several partners (AWS has one reseller per authorization): the terms checked once;
   * the batch stored under the request's hash with an opportunity id per partner, then each opportunity
   * stored under its id — so the same request again, or a retry after a crash, makes nothing twice.
   */
  async bulk(orgId: string, actor: string, dto: BulkCreateOpportunitiesDto): Promise<OpportunityBatch> {
    const { terms, resellerAccountIds } = dto;
    const accounts = [...new Set(resellerAccountIds)];
    await this.check(orgId, { ...terms, resellerAccountId: accounts[0] });
    const digest = createHash('sha256')
      .update(`${orgId}\n${JSON.stringify({ terms, accounts })}`)
      .digest('hex');
    const batch = await this.batches.storeOnce({
      _id: `bat_${digest.slice(0, 35)}`,
      orgId,
      name: terms.name,
      productId: terms.productId,
      items: accounts.map((resellerAccountId) => ({ resellerAccountId, opportunityId: newId('off') })),
    });
    for (const item of batch.items)
      await this.store(
        orgId,
        actor,
        { ...terms, resellerAccountId: item.resellerAccountId },
        item.opportunityId,
      ).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error; // made by the same request before
      });
    return batch;
  }

  /** AWS's rules that can be checked up front, and the product: one of the org's own, with these dimensions. */
  private async check(orgId: string, dto: CreateOpportunityDto): Promise<void> {
    const problems = opportunityProblems(dto, today());
    if (problems.length) throw new BadRequestException(problems);
    // Only a product of one of the org's own seller accounts, as that account sees it; anything else is
    // answered like another org's record.
    const product = await this.catalog.ownedProduct(orgId, dto.productId);
    if (!product)
      throw new NotFoundException(
        `product ${dto.productId} not found among the products of this org's AWS seller accounts`,
      );
    const dimensionErrors = dimensionProblems(dto, product);
    if (dimensionErrors.length) throw new BadRequestException(dimensionErrors);
  }

  private async store(orgId: string, actor: string, dto: CreateOpportunityDto, id: string): Promise<Offer> {
    const terms: OpportunityStoredTerms = {
      renewal: dto.renewal,
      commitAmount: dto.commitAmount,
      usageDimensionPrices: dto.usageDimensionPrices,
      singleUse: dto.singleUse ?? false,
      eula: dto.eula ?? { type: 'STANDARD' },
      resellerContract: dto.resellerContract,
      installments: dto.installments,
    };
    const opportunity = {
      _id: id,
      orgId,
      name: dto.name,
      description: dto.description,
      key: dto.key,
      productId: dto.productId,
      resellerAccountId: dto.resellerAccountId,
      buyerAccountIds: dto.buyerAccountIds ?? [],
      expiryDate: dto.expiryDate,
      terms: JSON.parse(JSON.stringify(terms)) as Record<string, unknown>,
      // Derived from the opportunity: a retry of the submit can never create a second authorization.
      marketplace: { clientRequestToken: `cppo-${id}` },
      offerCount: 0,
    };
    const created = await this.opportunities.create(opportunity, [
      this.history.event(
        RoutingKeys.OpportunityCreated,
        { ...opportunity, status: OfferStatus.PENDING } as Offer,
        { actor, action: 'created' },
      ),
    ]);
    return created;
  }

  async clone(
    orgId: string,
    actor: string,
    id: string,
    overrides: Partial<CreateOpportunityDto>,
  ): Promise<Offer> {
    const source = await this.queries.get(orgId, id);
    const dto: CreateOpportunityDto = { ...opportunityTermsOf(source), ...overrides };
    const created = await this.create(orgId, actor, dto);
    await this.audit.append({
      orgId,
      entityType: 'opportunity',
      entityId: created._id,
      action: 'cloned',
      actor,
      data: { from: id },
    });
    return created;
  }
}
