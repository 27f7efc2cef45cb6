import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { UsageRecord } from '../schemas/usage-record.schema';
import { str } from './query';
import { insertNew, storedOfTaken } from './write';

export type UsageInsertOutcome = 'inserted' | 'duplicate' | 'conflict';

/** Usage summed per dimension and hour (and entitlement, for the reporter). */
export interface HourlyUsage {
  orgId: string;
  entitlementId: string;
  dimension: string;
  hour: Date;
  usage: number;
}

/** The `_id` of an org's usage record: derived from the org and the idempotency key. */
export function usageRecordId(orgId: string, idempotencyKey: string): string {
  return `ur_${createHash('sha256').update(`${orgId}\n${idempotencyKey}`).digest('hex').slice(0, 40)}`;
}

/** Usage records, written by the metering service only: one batch insert per intake request. */
@Injectable()
export class UsageRecordRepository {
  constructor(@InjectModel(UsageRecord.name) private readonly model: Model<UsageRecord>) {}

  /**
   * Stores a batch in one unordered insert. A record whose key is taken is a `duplicate` when the stored
   * one has the same content, a `conflict` otherwise — found with one read of just those records.
   */
  async insertBatch(records: Omit<UsageRecord, 'createdAt'>[]): Promise<UsageInsertOutcome[]> {
    const outcomes: UsageInsertOutcome[] = records.map(() => 'inserted');
    if (!records.length) return outcomes;
    const createdAt = new Date();
    const taken = await insertNew(
      this.model,
      records.map((r) => ({ ...r, createdAt })),
    );
    const stored = await storedOfTaken(this.model, records, taken, { contentHash: 1 });
    for (const i of taken)
      outcomes[i] =
        stored.get(records[i]._id)?.['contentHash'] === records[i].contentHash ? 'duplicate' : 'conflict';
    return outcomes;
  }

  /** Across orgs: usage per (entitlement, dimension, hour) of the hours in [from, to). */
  hourlySums(from: Date, to: Date): Promise<HourlyUsage[]> {
    return this.sums({ hour: { $gte: from, $lt: to } });
  }

  /** One entitlement's usage per (dimension, hour) of the hours in [from, to). */
  hourlyUsageOf(orgId: string, entitlementId: string, from: Date, to: Date): Promise<HourlyUsage[]> {
    return this.sums({
      orgId: str(orgId, 'orgId'),
      entitlementId: str(entitlementId, 'entitlementId'),
      hour: { $gte: from, $lt: to },
    });
  }

  /**
   * Sums read records (five fields each) and adds them up here: one read, whatever the server. (FerretDB's
   * `$group` took 27 s for 12,000 records on the benchmark machine; this takes about a second.)
   */
  private async sums(match: Record<string, unknown>): Promise<HourlyUsage[]> {
    const totals = new Map<string, HourlyUsage>();
    const records = await this.model.collection
      .find(match, { projection: { orgId: 1, entitlementId: 1, dimension: 1, hour: 1, quantity: 1 } })
      .toArray();
    for (const r of records) {
      const hour = r['hour'] as Date;
      const key = `${r['orgId']}|${r['entitlementId']}|${r['dimension']}|${hour.getTime()}`;
      const total = totals.get(key);
      if (total) total.usage += r['quantity'] as number;
      else
        totals.set(key, {
          orgId: r['orgId'] as string,
          entitlementId: r['entitlementId'] as string,
          dimension: r['dimension'] as string,
          hour,
          usage: r['quantity'] as number,
        });
    }
    return [...totals.values()];
  }
}
