import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  DescribeChangeSetCommand,
  StartChangeSetCommand,
  type Change,
  type DescribeChangeSetCommandOutput,
  type MarketplaceCatalogClient,
} from '@aws-sdk/client-marketplace-catalog';
import {
  createAgreementClient,
  createCatalogClient,
  createEntitlementClient,
  createMeteringClient,
  createSqsClient,
} from '@cppo/marketplace';
import {
  assertConforms,
  awsModelsDir,
  reportConformance,
  type ConformanceFindings,
  drainQueue,
  receiveAndDelete,
  scenarioClient,
  startSqsEmulator,
  waitFor,
  type SqsEmulator,
} from '@cppo/testing';
import { startSimulator, type Simulator } from '../simulator';

import { BUYER, ISV, PARTNER, PRODUCT } from '@cppo/testing';

export { BUYER, ISV, OTHER_ISV, PARTNER, PRODUCT, PRODUCT_CODE } from '@cppo/testing';
const RA = 'ResaleAuthorization@1.0';

export { daysFromNow } from '@cppo/testing';

/** The simulator, an SQS emulator queue it delivers to, and real SDK clients acting as `account`. */
export interface Harness {
  sim: Simulator;
  sqs: SqsEmulator;
  queueUrl: string;
  sqsClient: SQSClient;
  clients(account?: string): {
    catalog: MarketplaceCatalogClient;
    agreement: ReturnType<typeof createAgreementClient>;
    entitlement: ReturnType<typeof createEntitlementClient>;
    metering: ReturnType<typeof createMeteringClient>;
  };
  scenario<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Receives (and deletes) notifications until `count` arrived. */
  receive(count: number, timeoutMs?: number): Promise<string[]>;
  /** Deletes every notification waiting in the queue. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const sqs = await startSqsEmulator({ queues: [{ name: 'marketplace-notifications' }] });
  const queueUrl = sqs.queueUrl('marketplace-notifications');
  const sim = await startSimulator({
    port: 0,
    config: { changeSetDelayMs: 100, sqsEndpoint: sqs.endpoint, sqsQueueUrl: queueUrl },
    modelsDir: awsModelsDir(),
  });
  const sqsClient = createSqsClient({
    endpoint: sqs.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const made: { destroy(): void }[] = [sqsClient];
  return {
    sim,
    sqs,
    queueUrl,
    sqsClient,
    clients(account = ISV) {
      const options = {
        endpoint: sim.url,
        credentials: { accessKeyId: account, secretAccessKey: 'any' },
        maxAttempts: 1,
      };
      const clients = {
        catalog: createCatalogClient(options),
        agreement: createAgreementClient(options),
        entitlement: createEntitlementClient(options),
        metering: createMeteringClient(options),
      };
      made.push(...Object.values(clients));
      return clients;
    },
    scenario: scenarioClient(sim.url),
    async receive(count, timeoutMs = 10_000) {
      const bodies: string[] = [];
      await waitFor(
        async () => {
          const messages = await receiveAndDelete(sqsClient, queueUrl, 1);
          bodies.push(...messages.map((m) => m.Body!));
          return bodies.length >= count;
        },
        { timeoutMs, what: `${count} notifications` },
      );
      return bodies;
    },
    async drain() {
      await drainQueue(sqsClient, queueUrl);
    },

    /**
     * Stops everything, then fails when an answer of the simulator broke AWS's models (requests that break
     * them are planted by these tests on purpose: they are refused, as AWS refuses them).
     */
    async close() {
      const findings = await scenarioClient(sim.url)<ConformanceFindings>('GET', '/_sim/conformance');
      made.forEach((made) => made.destroy());
      await sim.close();
      await sqs.stop();
      reportConformance(findings.body);
      assertConforms(findings.body, false);
    },
  };
}

// ------------------------------------------------------------------ change builders

export const create = (details: Record<string, unknown> = {}): Change => ({
  ChangeType: 'CreateResaleAuthorization',
  ChangeName: 'ResaleAuthorization',
  Entity: { Type: RA },
  DetailsDocument: { ProductId: PRODUCT, Name: 'Acme via Partner X', ResellerAccountId: PARTNER, ...details },
});

export const update = (
  changeType: string,
  details: Record<string, unknown>,
  identifier = '$ResaleAuthorization.Entity.Identifier',
): Change => ({
  ChangeType: changeType,
  Entity: { Type: RA, Identifier: identifier },
  DetailsDocument: details as never,
});

export const release = (identifier?: string) => update('ReleaseResaleAuthorization', {}, identifier);
export const standardEula = () =>
  update('UpdateLegalTerms', { Terms: [{ Type: 'BuyerLegalTerm', Documents: [{ Type: 'StandardEula' }] }] });
export const contractPricing = (price = '1200.00') =>
  update('UpdatePricingTerms', {
    PricingModel: 'Contract',
    Terms: [
      {
        Type: 'ResaleFixedUpfrontPricingTerm',
        CurrencyCode: 'USD',
        Duration: 'P12M',
        Price: price,
        Grants: [{ DimensionKey: 'users', MaxQuantity: 10 }],
      },
      usageTerm({ api_calls: '0.002', storage_gb: '0.10' }),
    ],
  });
/** UpdatePaymentScheduleTerms with one USD schedule. */
export const paymentSchedule = (schedule: { ChargeDate: string; ChargeAmount: string }[]) =>
  update('UpdatePaymentScheduleTerms', {
    Terms: [{ Type: 'ResalePaymentScheduleTerm', CurrencyCode: 'USD', Schedule: schedule }],
  });
/** A usage-based pricing term with one price per dimension key. */
export const usageTerm = (prices: Record<string, string>, currency = 'USD') => ({
  Type: 'ResaleUsageBasedPricingTerm',
  CurrencyCode: currency,
  RateCards: [{ RateCard: Object.entries(prices).map(([DimensionKey, Price]) => ({ DimensionKey, Price })) }],
});
/** UpdatePricingTerms with usage prices only. */
export const usagePricing = (prices: Record<string, string>, currency = 'USD') =>
  update('UpdatePricingTerms', { PricingModel: 'Usage', Terms: [usageTerm(prices, currency)] });

/** Starts a change set and waits for its terminal status. */
export async function runChangeSet(
  catalog: MarketplaceCatalogClient,
  changes: Change[],
  extra: Record<string, unknown> = {},
): Promise<DescribeChangeSetCommandOutput> {
  const { ChangeSetId } = await catalog.send(
    new StartChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSet: changes, ...extra }),
  );
  return waitFor(
    async () => {
      const described = await catalog.send(
        new DescribeChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId }),
      );
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(described.Status!) ? described : undefined;
    },
    { what: `change set ${ChangeSetId}` },
  );
}

/** A released (Active) authorization: contract with usage prices, standard EULA. */
export async function activeAuthorization(
  catalog: MarketplaceCatalogClient,
  extra: Change[] = [],
  details: Record<string, unknown> = {},
): Promise<string> {
  const result = await runChangeSet(catalog, [
    create(details),
    release(),
    contractPricing(),
    standardEula(),
    ...extra,
  ]);
  if (result.Status !== 'SUCCEEDED')
    throw new Error(`authorization failed: ${JSON.stringify(result.ChangeSet)}`);
  return result.ChangeSet![0].Entity!.Identifier!;
}

/**
 * A deal through the scenario API: an active authorization, the partner's offer to BUYER on it (`offer`
 * overrides its fields), accepted by BUYER (`accept` overrides). Returns the agreement as the simulator
 * answers it (id, licenseArn, customerIdentifier, registrationToken, ...).
 */
export async function acceptedAgreement(
  h: Harness,
  offer: Record<string, unknown> = {},
  accept: Record<string, unknown> = {},
): Promise<any> {
  const raId = await activeAuthorization(h.clients().catalog);
  const created = (
    await h.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: raId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [BUYER],
      ...offer,
    })
  ).body;
  return (
    await h.scenario('POST', '/_sim/buyer/accept', { offerId: created.id, buyerAccountId: BUYER, ...accept })
  ).body;
}

export function errorCodes(result: DescribeChangeSetCommandOutput): string[] {
  return (result.ChangeSet ?? []).flatMap((c) => (c.ErrorDetailList ?? []).map((e) => e.ErrorCode!));
}
