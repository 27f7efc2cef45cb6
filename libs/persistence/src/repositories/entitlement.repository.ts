import { Injectable, Optional } from '@nestjs/common';
import { EntitlementStatus } from '@cppo/contracts';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import { when } from '../condition';
import { OutboxDispatcher } from '../outbox-dispatcher';
import { Entitlement } from '../schemas/entitlement.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { findOrgDoc, findPage, findVisibleDoc, str, type Page, type PageRequest } from './query';
import { insertWithEvents, lockKey, updateWhere } from './write';
import { documentLock } from '../document-lock';

export type EntitlementFilter = Partial<
  Pick<
    Entitlement,
    | 'type'
    | 'status'
    | 'offerId'
    | 'opportunityId'
    | 'buyerAccountId'
    | 'agreementId'
    | 'productId'
    | 'offerSetId'
  >
> & {
  /** In force (ACTIVE or PENDING_CANCELLATION) and ending between now and then. */
  endingBefore?: Date;
};

/** The state derived from an entitlement's facts (everything a refresh rewrites). */
export type EntitlementState = Omit<
  Entitlement,
  | '_id'
  | 'orgId'
  | 'agreementId'
  | 'version'
  | 'outbox'
  | 'outboxPending'
  | 'outboxLeaseUntil'
  | 'tenantId'
  | 'customerIdentifier'
  | 'registeredAt'
  | 'createdAt'
  | 'updatedAt'
>;

/** How the ISV's application finds an entitlement. */
export type EntitlementKey =
  | { licenseArn: string }
  | { buyerAccountId: string; productId: string }
  | { buyerAccountId: string; productCode: string }
  | { tenantId: string }
  | { awsOfferId: string };

/** Entitlements, written by the entitlement service only. */
@Injectable()
export class EntitlementRepository {
  constructor(
    @InjectModel(Entitlement.name) private readonly model: Model<Entitlement>,
    @Optional() private readonly outbox?: OutboxDispatcher,
  ) {}

  findById(orgId: string, id: string): Promise<Entitlement | null> {
    return findOrgDoc(this.model, orgId, id);
  }

  /** By id for the org's callers (HTTP): another org's costs what a missing one does. */
  findVisible(orgId: string, id: string): Promise<Entitlement | null> {
    return findVisibleDoc(this.model, orgId, id);
  }

  findByAgreement(orgId: string, agreementId: string): Promise<Entitlement | null> {
    return this.model
      .findOne({ orgId: str(orgId, 'orgId'), agreementId: str(agreementId, 'agreementId') })
      .lean()
      .exec();
  }

  /** The org's entitlements (those an agreement event has given a status), newest first. */
  list(
    orgId: string,
    { endingBefore, ...filter }: EntitlementFilter,
    page: PageRequest,
  ): Promise<Page<Entitlement>> {
    const query: Record<string, unknown> = { orgId: str(orgId, 'orgId'), status: { $ne: null } };
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query[key] = str(value, key);
    if (endingBefore) {
      if (!(endingBefore instanceof Date)) throw new TypeError('endingBefore must be a date');
      query['endTime'] = { $gte: new Date(), $lte: endingBefore };
      query['status'] = filter.status
        ? str(filter.status, 'status')
        : { $in: [EntitlementStatus.ACTIVE, EntitlementStatus.PENDING_CANCELLATION] };
    }
    return findPage(this.model, query as FilterQuery<Entitlement>, page);
  }

  /** Every entitlement matching `key`, newest first (the caller picks the current one). */
  /** A product code the org's buyers hold (learnt from a licence event), if any is known. */
  async anyProductCode(orgId: string): Promise<string | undefined> {
    const found = await this.model
      .findOne({ orgId: str(orgId, 'orgId'), productCode: { $type: 'string' } }, { productCode: 1 })
      .lean()
      .exec();
    return found?.productCode;
  }

  findAllBy(orgId: string, key: EntitlementKey, limit = 50): Promise<Entitlement[]> {
    const query: Record<string, unknown> = { orgId: str(orgId, 'orgId'), status: { $ne: null } };
    for (const [name, value] of Object.entries(key)) query[name] = str(value, name);
    return this.model
      .find(query as FilterQuery<Entitlement>)
      .sort({ _id: -1 })
      .limit(limit)
      .lean()
      .exec();
  }

  /**
   * Names the entitlement that follows this one (a renewal made through a renewal opportunity, which AWS
   * does not link); the version moves on, so a derivation written concurrently reads it again.
   */
  async linkNext(orgId: string, id: string, nextId: string): Promise<void> {
    const key = str(id, 'id');
    await documentLock.run(lockKey(this.model, key), () =>
      this.model
        .updateOne(
          { _id: key, orgId: str(orgId, 'orgId'), nextEntitlementId: { $ne: str(nextId, 'nextId') } },
          { $set: { nextEntitlementId: nextId }, $inc: { version: 1 } },
        )
        .exec(),
    );
  }

  /** Stores a new entitlement with its state; throws the duplicate-key error if the agreement exists. */
  create(
    entitlement: Pick<Entitlement, '_id' | 'orgId' | 'agreementId'> & EntitlementState,
    events: OutboxEvent[],
  ): Promise<Entitlement> {
    return insertWithEvents(this.model, { ...entitlement, version: 1 }, events, this.outbox);
  }

  /**
   * Replaces the derived state, only if nobody wrote it since `version` was read (null otherwise: read
   * again and derive again).
   */
  replaceState(
    orgId: string,
    id: string,
    version: number,
    state: EntitlementState,
    events: OutboxEvent[],
  ): Promise<Entitlement | null> {
    const set: Record<string, unknown> = {};
    const unset: string[] = [];
    for (const [key, value] of Object.entries(state)) {
      if (value === undefined) unset.push(key);
      else set[key] = value;
    }
    return updateWhere(
      this.model,
      str(id, 'id'),
      when.all(when.equals('orgId', str(orgId, 'orgId')), when.equals('version', version)),
      { set, unset, inc: { version: 1 } },
      events,
      this.outbox,
    );
  }

  /** Attaches the ISV's tenant id; refused (null) when the entitlement already has another one. */
  register(
    orgId: string,
    id: string,
    registration: { tenantId: string; customerIdentifier?: string; registeredAt: Date },
  ): Promise<Entitlement | null> {
    return updateWhere(
      this.model,
      str(id, 'id'),
      when.all(
        when.equals('orgId', str(orgId, 'orgId')),
        when.any(when.absent('tenantId'), when.equals('tenantId', str(registration.tenantId, 'tenantId'))),
      ),
      {
        set: Object.fromEntries(Object.entries(registration).filter(([, value]) => value !== undefined)),
      },
      [],
    );
  }

  /** Entitlements still missing a link, newest first. */
  listUnlinked(orgId: string, page: PageRequest): Promise<Page<Entitlement>> {
    return findPage(
      this.model,
      { orgId: str(orgId, 'orgId'), sweepDue: true, 'link.since': { $ne: null } },
      page,
    );
  }

  /** The org's entitlements waiting for this CPPO offer or this resale authorization to be known. */
  findWaitingFor(
    orgId: string,
    key: { awsOfferId: string } | { resaleAuthorizationId: string },
  ): Promise<Entitlement[]> {
    const [[name, value]] = Object.entries(key);
    return this.model
      .find({ orgId: str(orgId, 'orgId'), sweepDue: true, [name]: str(value, name) })
      .limit(500)
      .lean()
      .exec();
  }

  /** Across orgs: entitlements with something missing or due (the sweeper's work list). */
  findDueForSweep(limit: number): Promise<Entitlement[]> {
    return this.model.find({ sweepDue: true }).sort({ _id: 1 }).limit(limit).lean().exec();
  }

  /**
   * The org's entitlements that have an agreement, with what finance links a deal to (one pass per
   * reconciliation, however many deals: on FerretDB a query of any agreements reads the whole collection).
   */
  withAgreements(
    orgId: string,
  ): Promise<
    Pick<
      Entitlement,
      | '_id'
      | 'agreementId'
      | 'opportunityId'
      | 'offerId'
      | 'resellerAccountId'
      | 'buyerAccountId'
      | 'productId'
      | 'acceptanceTime'
      | 'startTime'
    >[]
  > {
    return this.model
      .find(
        { orgId: str(orgId, 'orgId'), agreementId: { $exists: true } },
        {
          agreementId: 1,
          opportunityId: 1,
          offerId: 1,
          resellerAccountId: 1,
          buyerAccountId: 1,
          productId: 1,
          acceptanceTime: 1,
          startTime: 1,
        },
      )
      .lean()
      .exec();
  }

  /** The org's entitlements with these ids or agreement ids (usage intake: one read per request). */
  findForUsage(orgId: string, ids: string[], agreementIds: string[]): Promise<Entitlement[]> {
    const or: Record<string, unknown>[] = [];
    if (ids.length) or.push({ _id: { $in: ids.map((id) => str(id, 'entitlementId')) } });
    if (agreementIds.length)
      or.push({ agreementId: { $in: agreementIds.map((id) => str(id, 'agreementId')) } });
    if (!or.length) return Promise.resolve([]);
    return this.model
      .find({ orgId: str(orgId, 'orgId'), $or: or } as FilterQuery<Entitlement>)
      .lean()
      .exec();
  }

  /**
   * Across orgs: the entitlements these records name, by id — only where the record's org owns it (the
   * metering ledger and reporter work for every org at once).
   */
  async findOwned(records: { orgId: string; entitlementId: string }[]): Promise<Map<string, Entitlement>> {
    const ids = [...new Set(records.map((r) => str(r.entitlementId, 'entitlementId')))];
    if (!ids.length) return new Map();
    const found = await this.model
      .find({ _id: { $in: ids } })
      .lean()
      .exec();
    const byId = new Map(found.map((e) => [e._id, e]));
    const owned = new Map<string, Entitlement>();
    for (const r of records) {
      const e = byId.get(r.entitlementId);
      if (e?.orgId === r.orgId) owned.set(r.entitlementId, e);
    }
    return owned;
  }
}
