import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { UsageRecordResult } from '@cppo/contracts';
import { CatalogGateway } from '@cppo/marketplace';
import {
  EntitlementRepository,
  UsageRecordRepository,
  usageRecordId,
  type Entitlement,
  type UsageRecord,
} from '@cppo/persistence';
import { MeteringEnv } from '../config/metering.env';
import type { UsageRecordInput, UsageRecordOutcome } from './dto/usage-records.dto';
import { activityProblem, hourOf, timestampProblem, usageContentHash } from './usage.rules';

const recorded = new Counter({
  name: 'cppo_usage_records_total',
  help: 'Usage records received, by result (accepted, duplicate, rejected)',
  labelNames: ['result'],
});

const MAX_QUANTITY = 2_147_483_647; // AWS's Quantity is a 32-bit integer

/**
 * Usage intake: checks each record against its entitlement and AWS's rules, stores the accepted ones in one
 * batch write, and answers per record in request order. A request costs a fixed number of database round
 * trips whatever its size: one read of its entitlements, one unordered insert, and one read of the records
 * whose key was taken (to tell a duplicate from a conflict).
 */
@Injectable()
export class UsageIntakeService {
  private readonly logger = new Logger(UsageIntakeService.name);

  constructor(
    private readonly env: MeteringEnv,
    private readonly entitlements: EntitlementRepository,
    private readonly usage: UsageRecordRepository,
    private readonly catalog: CatalogGateway,
  ) {}

  async record(orgId: string, inputs: UsageRecordInput[]): Promise<UsageRecordOutcome[]> {
    const now = Date.now();
    const found = await this.entitlements.findForUsage(
      orgId,
      unique(inputs.map((i) => i.entitlementId)),
      unique(inputs.filter((i) => i.entitlementId === undefined).map((i) => i.agreementId)),
    );
    const byId = new Map(found.map((e) => [e._id, e]));
    const byAgreement = new Map(found.map((e) => [e.agreementId, e]));
    const dimensions = await this.usageDimensions(found);

    const outcomes: UsageRecordOutcome[] = [];
    const accepted: { index: number; doc: Omit<UsageRecord, 'createdAt'> }[] = [];
    inputs.forEach((input, index) => {
      const entitlement = input.entitlementId
        ? byId.get(input.entitlementId)
        : byAgreement.get(input.agreementId as string);
      const ts = Date.parse(input.timestamp);
      const problem = this.problem(input, entitlement, ts, now, dimensions);
      outcomes.push({
        idempotencyKey: input.idempotencyKey,
        status: UsageRecordResult.rejected,
        reason: problem,
      });
      if (problem || !entitlement) return;
      accepted.push({
        index,
        doc: {
          _id: usageRecordId(orgId, input.idempotencyKey),
          orgId,
          idempotencyKey: input.idempotencyKey,
          entitlementId: entitlement._id,
          dimension: input.dimension,
          quantity: input.quantity,
          timestamp: new Date(ts),
          hour: new Date(hourOf(ts)),
          contentHash: usageContentHash(entitlement._id, input.dimension, input.quantity, ts),
        },
      });
    });

    const stored = await this.usage.insertBatch(accepted.map((a) => a.doc));
    stored.forEach((outcome, i) => {
      const target = outcomes[accepted[i].index];
      delete target.reason;
      if (outcome === 'inserted') target.status = UsageRecordResult.accepted;
      else if (outcome === 'duplicate') target.status = UsageRecordResult.duplicate;
      else target.reason = 'idempotencyKey was already used for a record with other content';
    });
    for (const outcome of outcomes) recorded.inc({ result: outcome.status });
    return outcomes;
  }

  private problem(
    input: UsageRecordInput,
    entitlement: Entitlement | undefined,
    ts: number,
    now: number,
    dimensions: Map<string, Set<string>>,
  ): string | undefined {
    if (!entitlement)
      return `unknown entitlement ${input.entitlementId ?? `for agreement ${input.agreementId}`}`;
    if (input.agreementId !== undefined && input.agreementId !== entitlement.agreementId)
      return `agreementId ${input.agreementId} is not the agreement of entitlement ${entitlement._id}`;
    if (!Number.isInteger(input.quantity) || input.quantity < 0 || input.quantity > MAX_QUANTITY)
      return `quantity must be an integer from 0 to ${MAX_QUANTITY}`;
    if (!dimensions.get(entitlement._id)?.has(input.dimension))
      return `dimension ${input.dimension} is not a usage dimension of product ${entitlement.productId ?? '(unknown)'}`;
    return timestampProblem(ts, now, this.env.METERING_WINDOW_HOURS) ?? activityProblem(entitlement, ts);
  }

  /**
   * Usage dimensions per entitlement: its product's metered dimensions from the Catalog (cached per
   * product); when the Catalog cannot answer, the dimensions the entitlement has usage prices for.
   */
  private async usageDimensions(entitlements: Entitlement[]): Promise<Map<string, Set<string>>> {
    // One org per request: the product is described as that org's account.
    const products = new Map<string, Promise<string[] | undefined>>();
    for (const { orgId, productId } of uniqueProducts(entitlements))
      products.set(
        productId,
        this.catalog.product(orgId, productId).then(
          (d) => d?.metered,
          (error: Error) => {
            this.logger.warn(
              `dimensions of ${productId} unknown (${error.name}): using the entitlement's prices`,
            );
            return undefined;
          },
        ),
      );
    const result = new Map<string, Set<string>>();
    for (const e of entitlements) {
      const fromCatalog = e.productId ? await products.get(e.productId) : undefined;
      const fromPrices = [...(e.usagePrices ?? []), ...(e.wholesalePrices ?? [])].map((p) => p.dimensionKey);
      result.set(e._id, new Set(fromCatalog ?? fromPrices));
    }
    return result;
  }
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string'))];
}

function uniqueProducts(entitlements: Entitlement[]): { orgId: string; productId: string }[] {
  const byProduct = new Map<string, string>();
  for (const e of entitlements) if (e.productId) byProduct.set(e.productId, e.orgId);
  return [...byProduct].map(([productId, orgId]) => ({ orgId, productId }));
}
