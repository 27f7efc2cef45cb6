import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  DescribeChangeSetCommand,
  DescribeEntityCommand,
  StartChangeSetCommand,
  type Change,
  type DescribeChangeSetCommandOutput,
  type DescribeEntityCommandOutput,
  type MarketplaceCatalogClient,
} from '@aws-sdk/client-marketplace-catalog';
import pRetry, { AbortError } from 'p-retry';
import { awsClientOptionsFrom, classifyAwsError, createCatalogClient } from '@cppo/marketplace';
import type { ProductDimensions } from '../opportunities/opportunity.rules';

const CATALOG = 'AWSMarketplace';

/**
 * The Catalog API as the opportunity service uses it. Throttling, 5xx, ResourceInUse and network errors
 * are retried with exponential backoff and full jitter (p-retry); a StartChangeSet retry carries the same
 * ClientRequestToken, so it can never create a second resale authorization.
 */
@Injectable()
export class CatalogGateway implements OnModuleDestroy {
  private readonly logger = new Logger(CatalogGateway.name);
  private readonly client: MarketplaceCatalogClient;
  private readonly retries: number;
  private readonly minTimeout: number;
  private readonly cacheTtl: number;
  private readonly products = new Map<string, { value: ProductDimensions | null; until: number }>();

  constructor(config: ConfigService) {
    this.client = createCatalogClient({
      ...awsClientOptionsFrom(config),
      endpoint: config.get<string>('MARKETPLACE_ENDPOINT'),
      maxAttempts: 1,
    });
    this.retries = config.getOrThrow<number>('CATALOG_MAX_RETRIES');
    this.minTimeout = config.getOrThrow<number>('CATALOG_RETRY_MIN_MS');
    this.cacheTtl = config.getOrThrow<number>('PRODUCT_CACHE_TTL_MS');
  }

  /** Entitled and metered dimensions of a product; null when AWS says it does not exist for us. */
  async productDimensions(productId: string): Promise<ProductDimensions | null> {
    const cached = this.products.get(productId);
    if (cached && cached.until > Date.now()) return cached.value;
    let value: ProductDimensions | null;
    try {
      const entity = await this.call('DescribeEntity', () =>
        this.client.send(new DescribeEntityCommand({ Catalog: CATALOG, EntityId: productId })),
      );
      const dimensions =
        (entity.DetailsDocument as { Dimensions?: { Key: string; Types?: string[] }[] })?.Dimensions ?? [];
      value = {
        entitled: dimensions.filter((d) => d.Types?.includes('Entitled')).map((d) => d.Key),
        metered: dimensions.filter((d) => d.Types?.includes('Metered')).map((d) => d.Key),
      };
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'ResourceNotFoundException' && name !== 'AccessDeniedException') throw error;
      value = null;
    }
    this.products.set(productId, { value, until: Date.now() + this.cacheTtl });
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

  private call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return pRetry(
      async () => {
        try {
          return await run();
        } catch (error) {
          if (classifyAwsError(error) === 'client') throw new AbortError(error as Error);
          throw error;
        }
      },
      {
        retries: this.retries,
        minTimeout: this.minTimeout,
        maxTimeout: 20_000,
        factor: 2,
        randomize: true,
        onFailedAttempt: (error) =>
          this.logger.warn(
            `${operation} attempt ${error.attemptNumber} failed (${error.name}: ${error.message}); ${error.retriesLeft} retries left`,
          ),
      },
    );
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}
