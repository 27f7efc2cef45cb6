import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Counter } from 'prom-client';
import { EntitlementStatus, INSTANT_RULE, parseInstant, UsageRecordResult } from '@cppo/contracts';
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
import { activityProblem, hourOf, timestampProblem, usageContentHash } from '../rules/usage.rules';

const recorded = new Counter({
  name: 'cppo_usage_records_total',
  help: 'Usage records received, by result (accepted, duplicate, rejected)',
  labelNames: ['result'],
});

const MAX_QUANTITY = 2_147_483_647; // AWS's Quantity is a 32-bit integer

/**
 * Usage intake: checks each record against its entitlement and AWS's rules, stores the accepted ones in one
 * batch write, and answers per record in request order. A request costs a fixed number of database round
 * trips whatever its size: one read of the entitlements it names (none when all are ACTIVE ones read in the
 * last METERING_ENTITLEMENT_CACHE_MS), one unordered insert, and one read of the records whose key was
 * taken (to tell a duplicate from a conflict).
 */
@Injectable()
export class UsageIntakeService {
  private readonly logger = new Logger(UsageIntakeService.name);
  /**
   * ACTIVE entitlements read lately, by `org|id|<id>` and `org|agreement|<agreementId>`: an application sends
   * usage for the same customers request after request, and on FerretDB the lookup is a scan of every
   * entitlement. Only ACTIVE ones are kept, so one that becomes active is used at once.
   */
  private readonly recent: LRUCache<string, Entitlement> | undefined;

  constructor(
    private readonly env: MeteringEnv,
    private readonly entitlements: EntitlementRepository,
    private readonly usage: UsageRecordRepository,
    private readonly catalog: CatalogGateway,
  ) {
    const ttl = env.METERING_ENTITLEMENT_CACHE_MS;
    this.recent = ttl ? new LRUCache({ max: 10_000, ttl }) : undefined;
  }

  async record(orgId: string, inputs: UsageRecordInput[]): Promise<UsageRecordOutcome[]> {
    const now = Date.now();
    const found = await this.find(orgId, inputs);
    const byId = new Map(found.map((e) => [e._id, e]));
    const byAgreement = new Map(found.map((e) => [e.agreementId, e]));
    const dimensions = await this.usageDimensions(found);

    const outcomes: UsageRecordOutcome[] = [];
    const accepted: { index: number; doc: Omit<UsageRecord, 'createdAt'> }[] = [];
    inputs.forEach((input, index) => {
      const entitlement = input.entitlementId
        ? byId.get(input.entitlementId)
        : byAgreement.get(input.agreementId as string);
      const ts = parseInstant(input.timestamp);
      const problem =
        ts === undefined
          ? `timestamp ${input.timestamp} cannot be read exactly: give ${INSTANT_RULE}`
          : this.problem(input, entitlement, ts, now, dimensions);
      outcomes.push({
        idempotencyKey: input.idempotencyKey,
        status: UsageRecordResult.rejected,
        reason: problem,
      });
      if (problem || !entitlement || ts === undefined) return;
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

  /** The entitlements the inputs name (by id or by agreement) that belong to the org. */
  private async find(orgId: string, inputs: UsageRecordInput[]): Promise<Entitlement[]> {
    const key = (kind: 'id' | 'agreement', value: string) => `${orgId}|${kind}|${value}`;
    const known = new Map<string, Entitlement>();
    const ids: string[] = [];
    const agreementIds: string[] = [];
    for (const input of inputs) {
      const [kind, value] = input.entitlementId
        ? (['id', input.entitlementId] as const)
        : (['agreement', input.agreementId as string] as const);
      const hit = this.recent?.get(key(kind, value));
      if (hit) known.set(hit._id, hit);
      else (kind === 'id' ? ids : agreementIds).push(value);
    }
    if (ids.length || agreementIds.length) {
      const found = await this.entitlements.findForUsage(orgId, unique(ids), unique(agreementIds));
      for (const e of found) {
        known.set(e._id, e);
        if (e.status !== EntitlementStatus.ACTIVE) continue;
        this.recent?.set(key('id', e._id), e);
        this.recent?.set(key('agreement', e.agreementId), e);
      }
    }
    return [...known.values()];
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
