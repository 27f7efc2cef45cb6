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
  createAgreementClient,
  createCatalogClient,
  createEntitlementClient,
  createMeteringClient,
  type AwsClientOptions,
} from './clients';
import { isRetryableAwsError } from './errors';
import { OrgAwsAccess } from './org-aws-access';

const CATALOG = 'AWSMarketplace';

/** The one retry policy for AWS calls: throttling, 5xx, ResourceInUse and network errors, with backoff. */
export function awsRetryPolicy(env: AwsServiceEnv): RetryPolicy {
  return { retries: env.AWS_MAX_RETRIES, minMs: env.AWS_RETRY_MIN_MS, maxMs: 20_000 };
}

/**
 * AWS clients per org connection (see OrgAwsAccess: the org's assumed role, or the deployment's
 * credentials), each call sent under the shared retry policy (each retried attempt logged).
 */
abstract class AwsGateway<C extends { destroy(): void }> implements OnModuleDestroy {
  protected readonly logger = new Logger(this.constructor.name);
  private readonly clients = new LRUCache<string, C>({
    max: 1000,
    dispose: (client) => client.destroy(),
  });
  private readonly policy: RetryPolicy;

  constructor(
    env: AwsServiceEnv,
    protected readonly access: OrgAwsAccess,
    private readonly createClient: (options: AwsClientOptions) => C,
  ) {
    this.policy = awsRetryPolicy(env);
  }

  /** The client that acts as the org's AWS account. The SDK does not retry (maxAttempts 1): `call` does. */
  protected async clientFor(orgId: string): Promise<C> {
    const connection = await this.access.connectionOf(orgId);
    let client = this.clients.get(connection.key);
    if (!client) {
      client = this.createClient({ ...connection.options, maxAttempts: 1 });
      this.clients.set(connection.key, client);
    }
    return client;
  }

  protected async call<T>(orgId: string, operation: string, send: (client: C) => Promise<T>): Promise<T> {
    const client = await this.clientFor(orgId);
    return withRetry(
      () => send(client),
      this.policy,
      isRetryableAwsError,
      (error, attempt, left) =>
        this.logger.warn(
          `${operation} attempt ${attempt} failed (${error.name}: ${error.message}); ${left} retries left`,
        ),
    );
  }

  onModuleDestroy(): void {
    this.clients.clear();
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

/** A product as the org's AWS account sees it: its dimensions and the seller account that owns it. */
export interface ProductInfo extends ProductDimensions {
  ownerAccountId: string;
}

/** The account of an ARN (`arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/...`). */
export function accountOfArn(arn: string | undefined): string | undefined {
  return /^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/.exec(arn ?? '')?.[1];
}

/**
 * The Catalog API (resale authorizations, products, offers), as the org's account. A StartChangeSet retry
 * carries the same ClientRequestToken, so it can never create a second resale authorization.
 */
@Injectable()
export class CatalogGateway extends AwsGateway<MarketplaceCatalogClient> {
  private readonly products: LRUCache<string, { value: ProductInfo | null }>;

  constructor(env: AwsServiceEnv, access: OrgAwsAccess) {
    super(env, access, createCatalogClient);
    this.products = new LRUCache({ max: 1000, ttl: Math.max(1, env.PRODUCT_CACHE_TTL_MS) });
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

  async startChangeSet(
    orgId: string,
    changes: Change[],
    clientRequestToken: string,
    name: string,
  ): Promise<string> {
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
    return output.ChangeSetId;
  }

  describeChangeSet(orgId: string, changeSetId: string): Promise<DescribeChangeSetCommandOutput> {
    return this.call(orgId, 'DescribeChangeSet', (client) =>
      client.send(new DescribeChangeSetCommand({ Catalog: CATALOG, ChangeSetId: changeSetId })),
    );
  }

  describeEntity(orgId: string, entityId: string): Promise<DescribeEntityCommandOutput> {
    return this.call(orgId, 'DescribeEntity', (client) =>
      client.send(new DescribeEntityCommand({ Catalog: CATALOG, EntityId: entityId })),
    );
  }
}

/** The Agreement API: what a buyer accepted. */
@Injectable()
export class AgreementGateway extends AwsGateway<MarketplaceAgreementClient> {
  constructor(env: AwsServiceEnv, access: OrgAwsAccess) {
    super(env, access, createAgreementClient);
  }

  describeAgreement(orgId: string, agreementId: string): Promise<DescribeAgreementCommandOutput> {
    return this.call(orgId, 'DescribeAgreement', (client) =>
      client.send(new DescribeAgreementCommand({ agreementId })),
    );
  }

  /** Every accepted term, all pages. */
  async getAgreementTerms(orgId: string, agreementId: string): Promise<AcceptedTerm[]> {
    const terms: AcceptedTerm[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call(orgId, 'GetAgreementTerms', (client) =>
        client.send(new GetAgreementTermsCommand({ agreementId, maxResults: 50, nextToken })),
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
  constructor(env: AwsServiceEnv, access: OrgAwsAccess) {
    super(env, access, createEntitlementClient);
  }

  getEntitlements(orgId: string, input: GetEntitlementsCommandInput): Promise<GetEntitlementsCommandOutput> {
    return this.call(orgId, 'GetEntitlements', (client) => client.send(new GetEntitlementsCommand(input)));
  }
}

/** The Metering Service (BatchMeterUsage, ResolveCustomer). */
@Injectable()
export class MeteringGateway extends AwsGateway<MarketplaceMeteringClient> {
  constructor(env: AwsServiceEnv, access: OrgAwsAccess) {
    super(env, access, createMeteringClient);
  }

  batchMeterUsage(orgId: string, input: BatchMeterUsageCommandInput): Promise<BatchMeterUsageCommandOutput> {
    return this.call(orgId, 'BatchMeterUsage', (client) => client.send(new BatchMeterUsageCommand(input)));
  }

  /**
   * One BatchMeterUsage call, not retried here: the metering reporter retries on its own schedule, each
   * retry a new claimed attempt that resends the identical records.
   */
  async batchMeterUsageOnce(
    orgId: string,
    input: BatchMeterUsageCommandInput,
  ): Promise<BatchMeterUsageCommandOutput> {
    return (await this.clientFor(orgId)).send(new BatchMeterUsageCommand(input));
  }

  resolveCustomer(orgId: string, registrationToken: string): Promise<ResolveCustomerCommandOutput> {
    return this.call(orgId, 'ResolveCustomer', (client) =>
      client.send(new ResolveCustomerCommand({ RegistrationToken: registrationToken })),
    );
  }
}
