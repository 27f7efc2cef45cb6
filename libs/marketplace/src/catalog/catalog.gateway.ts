import { Injectable } from '@nestjs/common';
import {
  DescribeChangeSetCommand,
  DescribeEntityCommand,
  ListEntitiesCommand,
  StartChangeSetCommand,
  type Change,
  type DescribeEntityCommandOutput,
  type MarketplaceCatalogClient,
} from '@aws-sdk/client-marketplace-catalog';
import { LRUCache } from 'lru-cache';
import type { OpportunityTerms } from '@cppo/contracts';
import { AwsServiceEnv, forEachLimited } from '@cppo/runtime';
import { accountOfArn, AwsGateway } from '../aws-gateway';
import { createCatalogClient } from '../clients';
import { OrgAwsAccess } from '../org-aws-access';
import { changeSetOutcomeOf, type ChangeSetOutcome } from './change-set.outcome';
import { catalogProductOf, productDimensionsOf, type CatalogProduct, type ProductInfo } from './product';
import { publishChangeSet, restrictChangeSet } from './resale-authorization.change-set';

const CATALOG = 'AWSMarketplace';
/** ListEntities pages of 50 read for an org's products (2,500 products: far more than a seller lists). */
const MAX_PRODUCT_PAGES = 50;

/** What AWS says of a resale authorization now (DescribeEntity). */
export interface ResaleAuthorizationState {
  /** `Active`, `Restricted`, `Expired`, ... as AWS words it. */
  status?: string;
  /** The partner's use of it, when AWS tells: e.g. "Completed-Used" for a used single-use authorization. */
  offerDetails?: { offerExtendedStatus?: string; offerCreatedCount?: number };
}

/** A change set submitted: its id (the same one again for a retry with the same token). */
export interface SubmittedChangeSet {
  changeSetId: string;
}

/**
 * The Catalog API (resale authorizations, products, offers), as the org's account. A StartChangeSet retry
 * carries the same ClientRequestToken, so it can never create a second resale authorization.
 */
@Injectable()
export class CatalogGateway extends AwsGateway<MarketplaceCatalogClient> {
  private readonly products: LRUCache<string, { value: ProductInfo | null }>;
  private readonly catalogs: LRUCache<string, { fetchedAt: Date; products: CatalogProduct[] }>;

  constructor(env: AwsServiceEnv, access: OrgAwsAccess) {
    super(env, access, createCatalogClient);
    this.products = new LRUCache({ max: 1000, ttl: Math.max(1, env.PRODUCT_CACHE_TTL_MS) });
    this.catalogs = new LRUCache({ max: 500, ttl: Math.max(1, env.PRODUCT_CACHE_TTL_MS) });
  }

  /**
   * The org's SaaS products with their dimensions by name (ListEntities, every page, kept to the org's own
   * seller accounts; then DescribeEntity of each, four at a time), cached per org like `product`; `refresh`
   * reads AWS again.
   */
  async listProducts(
    orgId: string,
    refresh = false,
  ): Promise<{ fetchedAt: Date; products: CatalogProduct[] }> {
    const cached = refresh ? undefined : this.catalogs.get(orgId);
    if (cached) return cached;
    const summaries: { id: string; name?: string }[] = [];
    // as `ownedProduct`: what the account sees, kept to the org's own seller accounts
    const accounts = await this.access.accountsOf(orgId);
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PRODUCT_PAGES; page++) {
      const listed = await this.call(orgId, 'ListEntities', (client) =>
        client.send(
          new ListEntitiesCommand({
            Catalog: CATALOG,
            EntityType: 'SaaSProduct',
            MaxResults: 50,
            NextToken: nextToken,
          }),
        ),
      );
      for (const e of listed.EntitySummaryList ?? [])
        if (e.EntityId && accounts.includes(accountOfArn(e.EntityArn) ?? ''))
          summaries.push({ id: e.EntityId, name: e.Name });
      nextToken = listed.NextToken;
      if (!nextToken) break;
    }
    const products = new Map<string, CatalogProduct>();
    await forEachLimited(summaries, 4, async ({ id, name }) => {
      const entity = await this.describeEntity(orgId, id);
      products.set(id, catalogProductOf(id, name, entity.DetailsDocument));
    });
    const answer = {
      fetchedAt: new Date(),
      products: summaries.map(({ id }) => products.get(id) as CatalogProduct),
    };
    this.catalogs.set(orgId, answer);
    return answer;
  }

  /**
   * A product the org's account can see (cached per org): null when AWS says it does not exist or is
   * not ours to describe.
   */
  async product(orgId: string, productId: string): Promise<ProductInfo | null> {
    const key = `${orgId}|${productId}`;
    const cached = this.products.get(key);
    if (cached) return cached.value;
    let value: ProductInfo | null;
    try {
      const entity = await this.describeEntity(orgId, productId);
      const ownerAccountId = accountOfArn(entity.EntityArn);
      value = ownerAccountId ? { ...productDimensionsOf(entity.DetailsDocument), ownerAccountId } : null;
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'ResourceNotFoundException' && name !== 'AccessDeniedException') throw error;
      value = null;
    }
    this.products.set(key, { value });
    return value;
  }

  /** `product`, when it belongs to one of the org's seller accounts; else null. */
  async ownedProduct(orgId: string, productId: string): Promise<ProductInfo | null> {
    const [product, accounts] = await Promise.all([
      this.product(orgId, productId),
      this.access.accountsOf(orgId),
    ]);
    return product && accounts.includes(product.ownerAccountId) ? product : null;
  }

  /** Creates, completes and releases a resale authorization with these terms, in one change set. */
  publishResaleAuthorization(
    orgId: string,
    terms: OpportunityTerms,
    clientRequestToken: string,
    name: string,
  ): Promise<SubmittedChangeSet> {
    return this.startChangeSet(orgId, publishChangeSet(terms), clientRequestToken, name);
  }

  /** Restricts a resale authorization: the partner makes no new offers from it. */
  restrictResaleAuthorization(
    orgId: string,
    resaleAuthorizationId: string,
    clientRequestToken: string,
    name: string,
  ): Promise<SubmittedChangeSet> {
    return this.startChangeSet(orgId, restrictChangeSet(resaleAuthorizationId), clientRequestToken, name);
  }

  /** Where a change set stands (DescribeChangeSet). */
  async changeSet(orgId: string, changeSetId: string): Promise<ChangeSetOutcome> {
    const described = await this.call(orgId, 'DescribeChangeSet', (client) =>
      client.send(new DescribeChangeSetCommand({ Catalog: CATALOG, ChangeSetId: changeSetId })),
    );
    return changeSetOutcomeOf(changeSetId, described);
  }

  /** A resale authorization's status and the partner's use of it. */
  async resaleAuthorization(orgId: string, resaleAuthorizationId: string): Promise<ResaleAuthorizationState> {
    const details = (await this.describeEntity(orgId, resaleAuthorizationId)).DetailsDocument as
      | { Status?: string; OfferDetails?: { OfferExtendedStatus?: string; OfferCreatedCount?: number } }
      | undefined;
    const offers = details?.OfferDetails;
    return {
      status: details?.Status,
      offerDetails: offers && {
        offerExtendedStatus: offers.OfferExtendedStatus,
        offerCreatedCount: offers.OfferCreatedCount,
      },
    };
  }

  /** The resale authorization a (partner's) offer was made from, when its details name one. */
  async resaleAuthorizationOfOffer(orgId: string, offerId: string): Promise<string | undefined> {
    const details = (await this.describeEntity(orgId, offerId)).DetailsDocument as
      | { ResaleAuthorizationId?: unknown }
      | undefined;
    return typeof details?.ResaleAuthorizationId === 'string' ? details.ResaleAuthorizationId : undefined;
  }

  /**
   * One of the account's SaaS products, described (ListEntities, then DescribeEntity): whether the org's
   * account reaches the Catalog API. Undefined when it owns no SaaS product.
   */
  async anyProduct(orgId: string): Promise<{ id: string; name?: string } | undefined> {
    const listed = await this.call(orgId, 'ListEntities', (client) =>
      client.send(new ListEntitiesCommand({ Catalog: CATALOG, EntityType: 'SaaSProduct', MaxResults: 1 })),
    );
    const first = listed.EntitySummaryList?.[0];
    if (!first?.EntityId) return undefined;
    await this.describeEntity(orgId, first.EntityId);
    return { id: first.EntityId, name: first.Name };
  }

  private async startChangeSet(
    orgId: string,
    changes: Change[],
    clientRequestToken: string,
    name: string,
  ): Promise<SubmittedChangeSet> {
    const output = await this.call(orgId, 'StartChangeSet', (client) =>
      client.send(
        new StartChangeSetCommand({
          Catalog: CATALOG,
          ChangeSet: changes,
          ClientRequestToken: clientRequestToken,
          ChangeSetName: name,
        }),
      ),
    );
    if (!output.ChangeSetId) throw new Error('StartChangeSet returned no ChangeSetId');
    return { changeSetId: output.ChangeSetId };
  }

  private describeEntity(orgId: string, entityId: string): Promise<DescribeEntityCommandOutput> {
    return this.call(orgId, 'DescribeEntity', (client) =>
      client.send(new DescribeEntityCommand({ Catalog: CATALOG, EntityId: entityId })),
    );
  }
}
