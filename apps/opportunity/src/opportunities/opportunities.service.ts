import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { DescribeChangeSetCommandOutput } from '@aws-sdk/client-marketplace-catalog';
import { OfferStatus, OfferType, RoutingKeys, type RoutingKey } from '@cppo/contracts';
import { buildEnvelope, OutboxRelay } from '@cppo/messaging';
import {
  AuditEventRepository,
  EntitlementRepository,
  newId,
  OfferRepository,
  type Entitlement,
  type MarketplaceError,
  type Offer,
  type OutboxEvent,
  type Page,
  type PageRequest,
} from '@cppo/persistence';
import { CatalogGateway } from '../marketplace/catalog.gateway';
import type { CreateOpportunityDto } from './dto/create-opportunity.dto';
import type { OpportunityListQuery } from './dto/opportunity-list.query';
import { dimensionProblems, opportunityProblems } from './opportunity.rules';

type OpportunityKey =
  | typeof RoutingKeys.OpportunityCreated
  | typeof RoutingKeys.OpportunityPublished
  | typeof RoutingKeys.OpportunityFailed
  | typeof RoutingKeys.OpportunityExpired
  | typeof RoutingKeys.OpportunityRestricted;

/** The commercial fields of an opportunity, kept as sent, in `offer.terms`. */
type Terms = Pick<
  CreateOpportunityDto,
  | 'renewal'
  | 'commitAmount'
  | 'usageDimensionPrices'
  | 'singleUse'
  | 'eula'
  | 'resellerContract'
  | 'installments'
>;

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The request an opportunity was created from, rebuilt from the stored document (publish, clone). */
export function toDto(offer: Offer): CreateOpportunityDto {
  const terms = (offer.terms ?? {}) as Terms;
  return {
    name: offer.name ?? '',
    description: offer.description,
    productId: offer.productId,
    resellerAccountId: offer.resellerAccountId,
    buyerAccountIds: offer.buyerAccountIds?.length ? offer.buyerAccountIds : undefined,
    expiryDate: offer.expiryDate,
    ...terms,
  };
}

/**
 * CPPO resell opportunities (offers `type = CPPO_OUT`): every state change is one conditional update of
 * the offer document that also queues its `cppo.opportunity.*.v1` event in the embedded outbox.
 */
@Injectable()
export class OpportunitiesService {
  private readonly logger = new Logger(OpportunitiesService.name);

  constructor(
    private readonly offers: OfferRepository,
    private readonly entitlements: EntitlementRepository,
    private readonly audit: AuditEventRepository,
    private readonly catalog: CatalogGateway,
    private readonly relay: OutboxRelay,
  ) {}

  async create(orgId: string, actor: string, dto: CreateOpportunityDto): Promise<Offer> {
    const problems = opportunityProblems(dto, today());
    if (problems.length) throw new BadRequestException(problems);
    const product = await this.catalog.productDimensions(dto.productId);
    if (!product) {
      throw new BadRequestException([
        `productId: product ${dto.productId} was not found in AWS Marketplace, or it does not support resale`,
      ]);
    }
    const dimensionErrors = dimensionProblems(dto, product);
    if (dimensionErrors.length) throw new BadRequestException(dimensionErrors);

    const id = newId('off');
    const terms: Terms = {
      renewal: dto.renewal,
      commitAmount: dto.commitAmount,
      usageDimensionPrices: dto.usageDimensionPrices,
      singleUse: dto.singleUse ?? false,
      eula: dto.eula ?? { type: 'STANDARD' },
      resellerContract: dto.resellerContract,
      installments: dto.installments,
    };
    const offer = {
      _id: id,
      orgId,
      type: OfferType.CPPO_OUT,
      status: OfferStatus.PENDING,
      dedupKey: `out:${id}`,
      name: dto.name,
      description: dto.description,
      productId: dto.productId,
      resellerAccountId: dto.resellerAccountId,
      buyerAccountIds: dto.buyerAccountIds ?? [],
      expiryDate: dto.expiryDate,
      terms: JSON.parse(JSON.stringify(terms)) as Record<string, unknown>,
      // Derived from the opportunity: a retry of the submit can never create a second authorization.
      marketplace: { clientRequestToken: `cppo-${id}` },
      offerCount: 0,
    };
    const created = await this.offers.insert(offer, [
      this.event(RoutingKeys.OpportunityCreated, offer as Offer),
    ]);
    await this.record(created, actor, 'created');
    this.relay.kick();
    return created;
  }

  list(orgId: string, query: OpportunityListQuery): Promise<Page<Offer>> {
    return this.offers.list(
      orgId,
      {
        type: OfferType.CPPO_OUT,
        status: query.status,
        productId: query.productId,
        resellerAccountId: query.resellerAccountId,
      },
      { limit: query.limit, cursor: query.cursor },
    );
  }

  async get(orgId: string, id: string): Promise<Offer> {
    const offer = await this.offers.findById(orgId, id);
    if (!offer || offer.type !== OfferType.CPPO_OUT)
      throw new NotFoundException(`opportunity ${id} not found`);
    return offer;
  }

  async chain(
    orgId: string,
    id: string,
  ): Promise<{ opportunity: Offer; offers: Offer[]; entitlements: Entitlement[] }> {
    const opportunity = await this.get(orgId, id);
    const page: PageRequest = { limit: 200 };
    const [offers, entitlements] = await Promise.all([
      this.offers.list(orgId, { type: OfferType.CPPO, cppoOutOfferId: id }, page),
      this.entitlements.list(orgId, { opportunityId: id }, page),
    ]);
    return { opportunity, offers: offers.items, entitlements: entitlements.items };
  }

  async clone(
    orgId: string,
    actor: string,
    id: string,
    overrides: Partial<CreateOpportunityDto>,
  ): Promise<Offer> {
    const source = await this.get(orgId, id);
    const dto = { ...toDto(source), ...overrides } as CreateOpportunityDto;
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

  /** Irreversible; only from ACTIVE. The change set is submitted by the publisher. */
  async restrict(orgId: string, actor: string, id: string): Promise<Offer> {
    await this.get(orgId, id);
    const requestedAt = new Date();
    const updated = await this.offers.update(
      orgId,
      id,
      {
        type: OfferType.CPPO_OUT,
        status: OfferStatus.ACTIVE,
        'marketplace.resaleAuthorizationId': { $exists: true },
        $or: [{ 'marketplace.restrict': { $exists: false } }, { 'marketplace.restrict.status': 'FAILED' }],
      },
      {
        $set: {
          'marketplace.restrict': {
            requestedAt,
            clientRequestToken: `cppo-restrict-${id}-${requestedAt.getTime()}`,
          },
        },
      },
      [],
    );
    if (!updated) {
      const current = await this.get(orgId, id);
      const reason =
        current.marketplace?.restrict && current.marketplace.restrict.status !== 'FAILED'
          ? 'a restriction is already in progress'
          : `it is ${current.status}`;
      throw new ConflictException(
        `opportunity ${id} cannot be restricted: only an ACTIVE opportunity can, and ${reason}`,
      );
    }
    await this.record(updated, actor, 'restrict-requested');
    return updated;
  }

  /** The change set id is stored as soon as AWS returns it. */
  async recordSubmission(offer: Offer, changeSetId: string, pollAfter: Date): Promise<void> {
    await this.offers.update(
      offer.orgId,
      offer._id,
      { status: OfferStatus.PENDING, 'marketplace.changeSetId': { $exists: false } },
      {
        $set: {
          'marketplace.changeSetId': changeSetId,
          'marketplace.changeSetStatus': 'PREPARING',
          'marketplace.pollAfter': pollAfter,
          'marketplace.pollAttempts': 0,
        },
      },
      [],
    );
  }

  async recordRestrictSubmission(offer: Offer, changeSetId: string, pollAfter: Date): Promise<void> {
    await this.offers.update(
      offer.orgId,
      offer._id,
      { 'marketplace.restrict.changeSetId': { $exists: false } },
      {
        $set: {
          'marketplace.restrict.changeSetId': changeSetId,
          'marketplace.restrict.status': 'PREPARING',
          'marketplace.pollAfter': pollAfter,
          'marketplace.pollAttempts': 0,
        },
      },
      [],
    );
  }

  /** AWS refused the submission itself (a client error): the opportunity fails with AWS's reason. */
  async failSubmission(offer: Offer, errors: MarketplaceError[]): Promise<void> {
    const updated = await this.offers.update(
      offer.orgId,
      offer._id,
      { status: OfferStatus.PENDING, 'marketplace.changeSetId': { $exists: false } },
      { $set: { status: OfferStatus.FAILED, 'marketplace.errors': errors } },
      [
        this.event(RoutingKeys.OpportunityFailed, {
          ...offer,
          status: OfferStatus.FAILED,
          marketplace: { ...offer.marketplace, errors },
        }),
      ],
    );
    if (updated) await this.afterChange(updated, 'service:opportunity', 'failed', { errors });
  }

  async failRestrictSubmission(offer: Offer, errors: MarketplaceError[]): Promise<void> {
    await this.offers.update(
      offer.orgId,
      offer._id,
      { 'marketplace.restrict.changeSetId': { $exists: false } },
      { $set: { 'marketplace.restrict.status': 'FAILED', 'marketplace.restrict.errors': errors } },
      [],
    );
  }

  /**
   * Applies a terminal change set (from a notification or a poll) to its opportunity. Conditional on the
   * opportunity still waiting for that change set, so a late or repeated result has no effect.
   */
  async applyChangeSet(
    offer: Offer,
    described: DescribeChangeSetCommandOutput,
    actor: string,
  ): Promise<boolean> {
    const status = described.Status;
    if (status !== 'SUCCEEDED' && status !== 'FAILED' && status !== 'CANCELLED') return false;
    const errors = changeSetErrors(described);
    if (offer.marketplace?.restrict?.changeSetId === described.ChangeSetId) {
      const restricted = status === 'SUCCEEDED';
      const updated = await this.offers.update(
        offer.orgId,
        offer._id,
        { status: OfferStatus.ACTIVE, 'marketplace.restrict.changeSetId': described.ChangeSetId },
        {
          $set: restricted
            ? { status: OfferStatus.RESTRICTED, 'marketplace.restrict.status': status }
            : { 'marketplace.restrict.status': 'FAILED', 'marketplace.restrict.errors': errors },
        },
        restricted
          ? [this.event(RoutingKeys.OpportunityRestricted, { ...offer, status: OfferStatus.RESTRICTED })]
          : [],
      );
      if (updated)
        await this.afterChange(updated, actor, restricted ? 'restricted' : 'restrict-failed', { errors });
      return !!updated;
    }
    const succeeded = status === 'SUCCEEDED';
    const resaleAuthorizationId = described.ChangeSet?.find(
      (c) => c.ChangeType === 'CreateResaleAuthorization',
    )?.Entity?.Identifier;
    const next = succeeded ? OfferStatus.ACTIVE : OfferStatus.FAILED;
    const marketplace = { ...offer.marketplace, changeSetStatus: status, resaleAuthorizationId, errors };
    const updated = await this.offers.update(
      offer.orgId,
      offer._id,
      { status: OfferStatus.PENDING, 'marketplace.changeSetId': described.ChangeSetId },
      {
        $set: {
          status: next,
          'marketplace.changeSetStatus': status,
          'marketplace.errors': errors,
          ...(resaleAuthorizationId && succeeded
            ? { 'marketplace.resaleAuthorizationId': resaleAuthorizationId }
            : {}),
        },
        $unset: { 'marketplace.pollAfter': '' },
      },
      [
        this.event(succeeded ? RoutingKeys.OpportunityPublished : RoutingKeys.OpportunityFailed, {
          ...offer,
          status: next,
          marketplace,
        }),
      ],
    );
    if (updated)
      await this.afterChange(updated, actor, succeeded ? 'published' : 'failed', {
        changeSetId: described.ChangeSetId,
        errors,
      });
    return !!updated;
  }

  async schedulePoll(offer: Offer, pollAfter: Date, changeSetStatus?: string): Promise<void> {
    await this.offers.update(
      offer.orgId,
      offer._id,
      {},
      {
        $set: {
          'marketplace.pollAfter': pollAfter,
          ...(changeSetStatus ? { 'marketplace.changeSetStatus': changeSetStatus } : {}),
        },
        $inc: { 'marketplace.pollAttempts': 1 },
      },
      [],
    );
  }

  async scheduleSubmit(offer: Offer, submitAfter: Date): Promise<void> {
    await this.offers.update(
      offer.orgId,
      offer._id,
      {},
      { $set: { 'marketplace.submitAfter': submitAfter }, $inc: { 'marketplace.submitAttempts': 1 } },
      [],
    );
  }

  /** ACTIVE → EXPIRED (expiry date passed) or RESTRICTED (AWS says so, e.g. restricted in the console). */
  async endActive(
    offer: Offer,
    status: OfferStatus.EXPIRED | OfferStatus.RESTRICTED,
    reason: string,
  ): Promise<void> {
    const key =
      status === OfferStatus.EXPIRED ? RoutingKeys.OpportunityExpired : RoutingKeys.OpportunityRestricted;
    const updated = await this.offers.update(
      offer.orgId,
      offer._id,
      { status: OfferStatus.ACTIVE },
      { $set: { status } },
      [this.event(key, { ...offer, status })],
    );
    if (updated) await this.afterChange(updated, 'service:opportunity', status.toLowerCase(), { reason });
  }

  async markReconciled(offer: Offer): Promise<void> {
    await this.offers.update(
      offer.orgId,
      offer._id,
      {},
      { $set: { 'marketplace.reconciledAt': new Date() } },
      [],
    );
  }

  /** `cppo.offer.linked.v1`: one more CPPO offer made from this opportunity, counted once per offer. */
  async countLinkedOffer(orgId: string, opportunityId: string, offerId: string): Promise<void> {
    await this.offers.update(
      orgId,
      opportunityId,
      { type: OfferType.CPPO_OUT, linkedOfferIds: { $ne: offerId } },
      { $push: { linkedOfferIds: offerId }, $inc: { offerCount: 1 } },
      [],
    );
  }

  private async afterChange(
    offer: Offer,
    actor: string,
    action: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    this.relay.kick();
    await this.record(offer, actor, action, data);
  }

  /** Audit trail; written after the state change (its loss on a crash loses history, never state). */
  private async record(
    offer: Offer,
    actor: string,
    action: string,
    data?: Record<string, unknown>,
  ): Promise<void> {
    await this.audit
      .append({
        orgId: offer.orgId,
        entityType: 'opportunity',
        entityId: offer._id,
        action,
        actor,
        data: { status: offer.status, ...data },
      })
      .catch((error: Error) => this.logger.warn(`audit for ${offer._id} not written: ${error.message}`));
  }

  private event(key: OpportunityKey, offer: Offer): OutboxEvent {
    return buildEnvelope(
      key as RoutingKey & OpportunityKey,
      {
        opportunityId: offer._id,
        productId: offer.productId,
        resellerAccountId: offer.resellerAccountId,
        buyerAccountIds: offer.buyerAccountIds ?? [],
        status: offer.status,
        resaleAuthorizationId: offer.marketplace?.resaleAuthorizationId,
        changeSetId: offer.marketplace?.changeSetId,
        errors: offer.marketplace?.errors,
      },
      { orgId: offer.orgId, correlationId: offer._id },
    ) as OutboxEvent;
  }
}

/** Each change's AWS error codes, or the change set's failure code when no change carries one. */
export function changeSetErrors(described: DescribeChangeSetCommandOutput): MarketplaceError[] {
  const errors = (described.ChangeSet ?? []).flatMap((change) =>
    (change.ErrorDetailList ?? []).map((e) => ({
      code: e.ErrorCode ?? 'UNKNOWN',
      message: e.ErrorMessage ?? '',
      changeName: change.ChangeType,
    })),
  );
  if (!errors.length && described.Status === 'FAILED') {
    errors.push({
      code: described.FailureCode ?? 'FAILED',
      message: described.FailureDescription ?? 'the change set failed',
      changeName: undefined,
    });
  }
  if (described.Status === 'CANCELLED')
    errors.push({ code: 'CANCELLED', message: 'the change set was cancelled', changeName: undefined });
  return errors;
}
