import { MarketplaceAgreementClient } from '@aws-sdk/client-marketplace-agreement';
import {
  MarketplaceCatalogClient,
  type MarketplaceCatalogClientConfig,
} from '@aws-sdk/client-marketplace-catalog';
import { MarketplaceEntitlementServiceClient } from '@aws-sdk/client-marketplace-entitlement-service';
import { MarketplaceMeteringClient } from '@aws-sdk/client-marketplace-metering';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClientOptions {
  /** AWS Marketplace APIs live in us-east-1 only. */
  region?: string;
  /** Endpoint override, e.g. the simulator `http://127.0.0.1:4600`; unset = real AWS. */
  endpoint?: string;
  /**
   * Explicit credentials or a provider of them (an org's assumed role); unset = the SDK's default chain.
   */
  credentials?: MarketplaceCatalogClientConfig['credentials'];
  /** SDK-level attempts; the gateways retry with our own policy, so they set 1. */
  maxAttempts?: number;
}

function common(options: AwsClientOptions) {
  return {
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? 3,
  };
}

export const createCatalogClient = (o: AwsClientOptions = {}) => new MarketplaceCatalogClient(common(o));
export const createAgreementClient = (o: AwsClientOptions = {}) => new MarketplaceAgreementClient(common(o));
export const createEntitlementClient = (o: AwsClientOptions = {}) =>
  new MarketplaceEntitlementServiceClient(common(o));
/** Metering: a call is bounded in time, so a reporter's claim (a lease of 60 s or more) outlives it. */
export const createMeteringClient = (o: AwsClientOptions = {}) =>
  new MarketplaceMeteringClient({
    ...common(o),
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });

/**
 * SQS: with an endpoint override the client also sends to that endpoint instead of the queue URL's host
 * (emulators return queue URLs on hostnames that may not resolve).
 */
export const createSqsClient = (o: AwsClientOptions = {}) =>
  new SQSClient({ ...common(o), useQueueUrlAsEndpoint: o.endpoint ? false : undefined });

/** Region and (optional) static credentials from a service's validated settings. */
export function awsClientOptionsFrom(env: {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
}): AwsClientOptions & { credentials?: { accessKeyId: string; secretAccessKey: string } } {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  return {
    region: env.AWS_REGION,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  };
}
