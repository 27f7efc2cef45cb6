import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  DescribeAgreementCommand,
  GetAgreementTermsCommand,
  type AcceptedTerm,
  type DescribeAgreementCommandOutput,
  type MarketplaceAgreementClient,
} from '@aws-sdk/client-marketplace-agreement';
import {
  DescribeChangeSetCommand,
  DescribeEntityCommand,
  StartChangeSetCommand,
  type Change,
  type DescribeChangeSetCommandOutput,
  type DescribeEntityCommandOutput,
  type MarketplaceCatalogClient,
} from '@aws-sdk/client-marketplace-catalog';
import {
  GetEntitlementsCommand,
  type GetEntitlementsCommandInput,
  type GetEntitlementsCommandOutput,
  type MarketplaceEntitlementServiceClient,
} from '@aws-sdk/client-marketplace-entitlement-service';
import {
  BatchMeterUsageCommand,
  ResolveCustomerCommand,
  type BatchMeterUsageCommandInput,
  type BatchMeterUsageCommandOutput,
  type MarketplaceMeteringClient,
  type ResolveCustomerCommandOutput,
} from '@aws-sdk/client-marketplace-metering';
import { LRUCache } from 'lru-cache';
import { AwsServiceEnv, withRetry, type RetryPolicy } from '@cppo/runtime';
import {
  awsClientOptionsFrom,
  createAgreementClient,
  createCatalogClient,
  createEntitlementClient,
  createMeteringClient,
  type AwsClientOptions,
} from './clients';
import { isRetryableAwsError } from './errors';

const CATALOG = 'AWSMarketplace';

/** The one retry policy for AWS calls: throttling, 5xx, ResourceInUse and network errors, with backoff. */
export function awsRetryPolicy(env: AwsServiceEnv): RetryPolicy {
  return { retries: env.AWS_MAX_RETRIES, minMs: env.AWS_RETRY_MIN_MS, maxMs: 20_000 };
}

/** One AWS client, each call sent under the shared retry policy (each retried attempt logged). */
abstract class AwsGateway<C extends { destroy(): void }> implements OnModuleDestroy {
  protected readonly logger = new Logger(this.constructor.name);
  protected readonly client: C;
  private readonly policy: RetryPolicy;

  constructor(env: AwsServiceEnv, createClient: (options: AwsClientOptions) => C) {
    // The SDK does not retry (maxAttempts 1): the policy below does, the same way for every API.
    this.client = createClient({
      ...awsClientOptionsFrom(env),
      endpoint: env.MARKETPLACE_ENDPOINT,
      maxAttempts: 1,
    });
    this.policy = awsRetryPolicy(env);
  }

  protected call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return withRetry(send, this.policy, isRetryableAwsError, (error, attempt, left) =>
      this.logger.warn(
        `${operation} attempt ${attempt} failed (${error.name}: ${error.message}); ${left} retries left`,
      ),
    );
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}

/** Entitled and usage dimensions of a product, as its DescribeEntity lists them. */
export interface ProductDimensions {
  entitled: string[];
  /** Usage (metered) dimensions: `Types` containing `ExternallyMetered` or `Metered`. */
  metered: string[];
}

/**
 * A product's dimensions from its DescribeEntity details. AWS types a SaaS product's usage dimensions
 * `ExternallyMetered` (listing code written elsewhere often sends `["Metered", "ExternallyMetered"]`);
 * contract dimensions `Entitled` (docs/aws-marketplace.md).
 */
export function productDimensionsOf(details: unknown): ProductDimensions {
  const dimensions =
    (details as { Dimensions?: { Key: string; Types?: string[] }[] } | undefined)?.Dimensions ?? [];
  return {
    entitled: dimensions.filter((d) => d.Types?.includes('Entitled')).map((d) => d.Key),
    metered: dimensions
      .filter((d) => d.Types?.some((t) => t === 'Metered' || t === 'ExternallyMetered'))
      .map((d) => d.Key),
  };
}

/**
 * The Catalog API (resale authorizations, products, offers). A StartChangeSet retry carries the same
 * ClientRequestToken, so it can never create a second resale authorization.
 */
@Injectable()
export class CatalogGateway extends AwsGateway<MarketplaceCatalogClient> {
  private readonly products: LRUCache<string, { value: ProductDimensions | null }>;

  constructor(env: AwsServiceEnv) {
    super(env, createCatalogClient);
    this.products = new LRUCache({ max: 1000, ttl: Math.max(1, env.PRODUCT_CACHE_TTL_MS) });
  }

  /** Entitled and usage dimensions of a product (cached); null when AWS says it does not exist for us. */
  async productDimensions(productId: string): Promise<ProductDimensions | null> {
    const cached = this.products.get(productId);
    if (cached) return cached.value;
    let value: ProductDimensions | null;
    try {
      const entity = await this.describeEntity(productId);
      value = productDimensionsOf(entity.DetailsDocument);
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'ResourceNotFoundException' && name !== 'AccessDeniedException') throw error;
      value = null;
    }
    this.products.set(productId, { value });
    return value;
  }

  async startChangeSet(changes: Change[], clientRequestToken: string, name: string): Promise<string> {
    const output = await this.call('StartChangeSet', () =>
      this.client.send(
        new StartChangeSetCommand({
          Catalog: CATALOG,
          ChangeSet: changes,
          ClientRequestToken: clientRequestToken,
          ChangeSetName: name,
        }),
      ),
    );
    if (!output.ChangeSetId) throw new Error('StartChangeSet returned no ChangeSetId');
    return output.ChangeSetId;
  }

  describeChangeSet(changeSetId: string): Promise<DescribeChangeSetCommandOutput> {
    return this.call('DescribeChangeSet', () =>
      this.client.send(new DescribeChangeSetCommand({ Catalog: CATALOG, ChangeSetId: changeSetId })),
    );
  }

  describeEntity(entityId: string): Promise<DescribeEntityCommandOutput> {
    return this.call('DescribeEntity', () =>
      this.client.send(new DescribeEntityCommand({ Catalog: CATALOG, EntityId: entityId })),
    );
  }
}

/** The Agreement API: what a buyer accepted. */
@Injectable()
export class AgreementGateway extends AwsGateway<MarketplaceAgreementClient> {
  constructor(env: AwsServiceEnv) {
    super(env, createAgreementClient);
  }

  describeAgreement(agreementId: string): Promise<DescribeAgreementCommandOutput> {
    return this.call('DescribeAgreement', () =>
      this.client.send(new DescribeAgreementCommand({ agreementId })),
    );
  }

  /** Every accepted term, all pages. */
  async getAgreementTerms(agreementId: string): Promise<AcceptedTerm[]> {
    const terms: AcceptedTerm[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('GetAgreementTerms', () =>
        this.client.send(new GetAgreementTermsCommand({ agreementId, maxResults: 50, nextToken })),
      );
      terms.push(...(page.acceptedTerms ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return terms;
  }
}

/** The Entitlement Service (GetEntitlements). */
@Injectable()
export class EntitlementGateway extends AwsGateway<MarketplaceEntitlementServiceClient> {
  constructor(env: AwsServiceEnv) {
    super(env, createEntitlementClient);
  }

  getEntitlements(input: GetEntitlementsCommandInput): Promise<GetEntitlementsCommandOutput> {
    return this.call('GetEntitlements', () => this.client.send(new GetEntitlementsCommand(input)));
  }
}

/** The Metering Service (BatchMeterUsage, ResolveCustomer). */
@Injectable()
export class MeteringGateway extends AwsGateway<MarketplaceMeteringClient> {
  constructor(env: AwsServiceEnv) {
    super(env, createMeteringClient);
  }

  batchMeterUsage(input: BatchMeterUsageCommandInput): Promise<BatchMeterUsageCommandOutput> {
    return this.call('BatchMeterUsage', () => this.client.send(new BatchMeterUsageCommand(input)));
  }

  /**
   * One BatchMeterUsage call, not retried here: the metering reporter retries on its own schedule, each
   * retry a new claimed attempt that resends the identical records.
   */
  batchMeterUsageOnce(input: BatchMeterUsageCommandInput): Promise<BatchMeterUsageCommandOutput> {
    return this.client.send(new BatchMeterUsageCommand(input));
  }

  resolveCustomer(registrationToken: string): Promise<ResolveCustomerCommandOutput> {
    return this.call('ResolveCustomer', () =>
      this.client.send(new ResolveCustomerCommand({ RegistrationToken: registrationToken })),
    );
  }
}
