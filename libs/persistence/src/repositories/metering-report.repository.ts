import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import { MeteringReportStatus } from '@cppo/contracts';
import { when } from '../condition';
import { OutboxDispatcher } from '../outbox-dispatcher';
import { MeteringCall, MeteringClaim } from '../schemas/metering-call.schema';
import { MeteringReport } from '../schemas/metering-report.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { findPage, findVisibleDoc, str, type Page, type PageRequest } from './query';
import { insertNew, insertWithEvents, updateWhere } from './write';

/** What one report's attempt changed. */
export interface ReportOutcome {
  id: string;
  set: Partial<MeteringReport>;
  unset?: (keyof MeteringReport)[];
  /** Counts as an attempt at AWS (attempts + 1). */
  attempted: boolean;
}

export interface MeteringReportFilter {
  status?: string;
  flagged?: boolean;
  entitlementId?: string;
}

/** The metering ledger, its AWS calls and the reporters' claims; written by the metering service only. */
@Injectable()
export class MeteringReportRepository {
  constructor(
    @InjectModel(MeteringReport.name) private readonly model: Model<MeteringReport>,
    @InjectModel(MeteringCall.name) private readonly calls: Model<MeteringCall>,
    @InjectModel(MeteringClaim.name) private readonly claims: Model<MeteringClaim>,
    @Optional() private readonly outbox?: OutboxDispatcher,
  ) {}

  /** By id for the org's callers (HTTP): another org's costs what a missing one does. */
  findById(orgId: string, id: string): Promise<MeteringReport | null> {
    return findVisibleDoc(this.model, orgId, id);
  }

  list(orgId: string, filter: MeteringReportFilter, page: PageRequest): Promise<Page<MeteringReport>> {
    const query: Record<string, unknown> = { orgId: str(orgId, 'orgId') };
    if (filter.status !== undefined) query['status'] = str(filter.status, 'status');
    if (filter.entitlementId !== undefined)
      query['entitlementId'] = str(filter.entitlementId, 'entitlementId');
    if (filter.flagged !== undefined) query['flagged'] = filter.flagged ? true : { $ne: true };
    return findPage(this.model, query, page);
  }

  /** One entitlement's reports of the hours in [from, to), oldest hour first. */
  forEntitlement(orgId: string, entitlementId: string, from: Date, to: Date): Promise<MeteringReport[]> {
    return this.model
      .find({
        orgId: str(orgId, 'orgId'),
        entitlementId: str(entitlementId, 'entitlementId'),
        hour: { $gte: from, $lt: to },
      })
      .sort({ hour: 1, dimension: 1 })
      .lean()
      .exec();
  }

  /** Several entitlements' REPORTED reports up to `to` (finance: what AWS was sent, per deal), one query. */
  reportedFor(orgId: string, entitlementIds: string[], to: Date): Promise<MeteringReport[]> {
    if (!entitlementIds.length) return Promise.resolve([]);
    return this.model
      .find({
        orgId: str(orgId, 'orgId'),
        entitlementId: { $in: entitlementIds.map((id) => str(id, 'entitlementId')) },
        status: MeteringReportStatus.REPORTED,
        hour: { $lt: to },
      })
      .lean()
      .exec();
  }

  /** Across orgs: the reports of the hours in [from, to) (what the ledger compares usage with). */
  inRange(
    from: Date,
    to: Date,
  ): Promise<Pick<MeteringReport, '_id' | 'usageQuantity' | 'lateQuantity' | 'status'>[]> {
    return this.model
      .find({ hour: { $gte: from, $lt: to } }, { _id: 1, usageQuantity: 1, lateQuantity: 1, status: 1 })
      .lean()
      .exec();
  }

  /**
   * Inserts the reports not made yet (one unordered write); returns those this call inserted (a report
   * another replica made first is kept as it is).
   */
  async createMany(reports: Omit<MeteringReport, 'createdAt' | 'updatedAt'>[]): Promise<MeteringReport[]> {
    if (!reports.length) return [];
    const now = new Date();
    const docs = reports.map((r) => withoutUndefined({ ...r, createdAt: now, updatedAt: now }));
    const taken = await insertNew(this.model, docs);
    return docs.filter((_, i) => !taken.has(i));
  }

  /** Records usage that arrived after the report was made: never sent, flagged for a person. */
  async flagLate(id: string, lateQuantity: number): Promise<void> {
    await this.model.updateOne(
      { _id: str(id, 'id') },
      { $set: { lateQuantity, flagged: true, updatedAt: new Date() } },
    );
  }

  /** Across orgs: PENDING reports due for an attempt, oldest hour first. */
  due(now: Date, limit: number): Promise<MeteringReport[]> {
    return this.model
      .find({ status: MeteringReportStatus.PENDING, nextAttemptAt: { $lte: now } })
      .sort({ hour: 1, _id: 1 })
      .limit(limit)
      .lean()
      .exec();
  }

  /**
   * Claims attempts of reports for `owner`, with one unordered insert and no read: for each report, the
   * claims `report | attempt | slot` and `… | slot + 1` (a lease of one to two slots). Unique `_id`s let
   * exactly one replica insert both; a reporter still in its call keeps the next slot's claim, so nobody
   * takes the report before the lease ran out. Returns the ids of the reports claimed.
   */
  async claim(
    reports: Pick<MeteringReport, '_id' | 'attempts'>[],
    slot: number,
    owner: string,
  ): Promise<Set<string>> {
    if (!reports.length) return new Set();
    const createdAt = new Date();
    const docs = reports.flatMap((r) =>
      [slot, slot + 1].map((s) => ({ _id: `${r._id}|${r.attempts}|${s}`, owner, createdAt })),
    );
    const lost = await insertNew(this.claims, docs);
    // Half a claim is no claim, and must not stay: a leftover claim of the next slot would make this very
    // reporter lose that slot too, and so on for ever.
    const halves = reports.flatMap((_, i) =>
      lost.has(2 * i) !== lost.has(2 * i + 1) ? [docs[lost.has(2 * i) ? 2 * i + 1 : 2 * i]._id] : [],
    );
    if (halves.length) await this.claims.deleteMany({ _id: { $in: halves }, owner });
    return new Set(reports.filter((_, i) => !lost.has(2 * i) && !lost.has(2 * i + 1)).map((r) => r._id));
  }

  /**
   * Gives up `owner`'s claims of these reports' current attempt (both slots): a report that goes back to
   * PENDING without an attempt counted (NEEDS_ATTENTION, released) can be claimed again at once.
   */
  async unclaim(
    reports: Pick<MeteringReport, '_id' | 'attempts'>[],
    slot: number,
    owner: string,
  ): Promise<void> {
    if (!reports.length) return;
    const ids = reports.flatMap((r) => [slot, slot + 1].map((s) => `${r._id}|${r.attempts}|${s}`));
    await this.claims.deleteMany({ _id: { $in: ids }, owner });
  }

  /** Stores one BatchMeterUsage call with the events its outcomes cause, and publishes them. */
  async recordCall(call: Omit<MeteringCall, 'outbox' | 'createdAt'>, events: OutboxEvent[]): Promise<void> {
    await insertWithEvents(this.calls, call, events, this.outbox, true);
  }

  /** Applies the outcomes of one attempt to its reports, in one write. */
  async applyOutcomes(outcomes: ReportOutcome[]): Promise<void> {
    if (!outcomes.length) return;
    const now = new Date();
    const operations = outcomes.map(
      (o): AnyBulkWriteOperation<MeteringReport> => ({
        updateOne: {
          filter: { _id: str(o.id, 'id') },
          update: {
            $set: { ...o.set, updatedAt: now },
            ...(o.unset?.length ? { $unset: Object.fromEntries(o.unset.map((k) => [k, ''])) } : {}),
            ...(o.attempted ? { $inc: { attempts: 1 } } : {}),
          },
        },
      }),
    );
    // In writes of 25: FerretDB 1.24 never answered one update command of 120 (the driver waits forever).
    for (let i = 0; i < operations.length; i += 25)
      await this.model.bulkWrite(operations.slice(i, i + 25), { ordered: false });
  }

  /** Sends a report again: only from a state that needs a person; null when it is not in one. */
  retry(orgId: string, id: string, from: readonly MeteringReportStatus[]): Promise<MeteringReport | null> {
    return updateWhere(
      this.model,
      str(id, 'id'),
      when.all(when.equals('orgId', str(orgId, 'orgId')), when.oneOf('status', from)),
      {
        set: { status: MeteringReportStatus.PENDING, nextAttemptAt: new Date(), updatedAt: new Date() },
        unset: ['flagged', 'lastError'],
      },
      [],
    );
  }

  /** The orgs with reports waiting for their AWS access to be fixed (NEEDS_ATTENTION). */
  async orgsNeedingAttention(): Promise<string[]> {
    const orgs: unknown[] = await this.model
      .distinct('orgId', { status: MeteringReportStatus.NEEDS_ATTENTION })
      .exec();
    return orgs.map(String);
  }

  /**
   * The org's access works again: its NEEDS_ATTENTION reports are due now (PENDING), their attempts as they
   * were. Returns how many.
   */
  async releaseNeedingAttention(orgId: string): Promise<number> {
    const result = await this.model.updateMany(
      { orgId: str(orgId, 'orgId'), status: MeteringReportStatus.NEEDS_ATTENTION },
      {
        $set: { status: MeteringReportStatus.PENDING, nextAttemptAt: new Date(), updatedAt: new Date() },
        $unset: { flagged: '', lastError: '' },
      },
    );
    return result.modifiedCount;
  }

  /** Forgets claims older than `before` (they only matter for one or two lease slots). */
  async forgetClaims(before: Date): Promise<void> {
    await this.claims.deleteMany({ createdAt: { $lt: before } });
  }
}

/** A document without its undefined fields (the driver would store them as null). */
function withoutUndefined<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([, value]) => value !== undefined)) as T;
}
