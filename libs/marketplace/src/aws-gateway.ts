import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AwsServiceEnv, withRetry, type RetryPolicy } from '@cppo/runtime';
import type { AwsClientOptions } from './clients';
import { isRetryableAwsError } from './errors';
import { OrgAwsAccess } from './org-aws-access';

/** The one retry policy for AWS calls: throttling, 5xx, ResourceInUse and network errors, with backoff. */
export function awsRetryPolicy(env: AwsServiceEnv): RetryPolicy {
  return { retries: env.AWS_MAX_RETRIES, minMs: env.AWS_RETRY_MIN_MS, maxMs: 20_000 };
}

/** The account of an ARN (`arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/...`). */
export function accountOfArn(arn: string | undefined): string | undefined {
  return /^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/.exec(arn ?? '')?.[1];
}

/**
 * AWS clients per org connection (see OrgAwsAccess: the org's assumed role, or the deployment's
 * credentials), each call sent under the shared retry policy (each retried attempt logged).
 */
export abstract class AwsGateway<C extends { destroy(): void }> implements OnModuleDestroy {
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
