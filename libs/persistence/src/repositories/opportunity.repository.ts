import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import { OfferStatus, OfferType } from '@cppo/contracts';
import { when, type Condition } from '../condition';
import { OutboxDispatcher } from '../outbox-dispatcher';
import { Offer, type MarketplaceError, type RestrictRequest } from '../schemas/offer.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { findOrgPage, findVisibleDoc, str, type Page, type PageRequest } from './query';
import { insertWithEvents, updateWhere, type Patch } from './write';

export type NewOpportunity = Omit<
  Offer,
  'outbox' | 'createdAt' | 'updatedAt' | 'type' | 'status' | 'dedupKey'
>;

export interface OpportunityFilter {
  status?: OfferStatus;
  productId?: string;
  resellerAccountId?: string;
  key?: string;
}

/** Where a change set stands when it ended: what the opportunity becomes. */
export interface ChangeSetOutcome {
  changeSetId: string;
  changeSetStatus: string;
  errors: MarketplaceError[];
  /** Set when AWS created and released the authorization. */
  resaleAuthorizationId?: string;
}

/** In `status`, still waiting for the change set `changeSetId` (stored at `path`). */
const awaiting = (status: OfferStatus, path: string, changeSetId: string): Condition =>
  when.all(when.equals('status', status), when.equals(path, changeSetId));

const due = (path: string, now: Date) => ({ $or: [{ [path]: null }, { [path]: { $lte: now } }] });

/**
 * The opportunity service's offers (`type = CPPO_OUT`): their work lists and every state transition,
 * each one conditional single-document write that also queues the events it causes.
 */
@Injectable()
export class OpportunityRepository {
  constructor(
    @InjectModel(Offer.name) private readonly model: Model<Offer>,
    @Optional() private readonly outbox?: OutboxDispatcher,
  ) {}

  /** Stores a new PENDING opportunity with its first events. */
  create(opportunity: NewOpportunity, events: OutboxEvent[]): Promise<Offer> {
    return insertWithEvents(
      this.model,
      {
        ...opportunity,
        type: OfferType.CPPO_OUT,
        status: OfferStatus.PENDING,
        dedupKey: `out:${opportunity._id}`,
      } as Offer,
      events,
      this.outbox,
    );
  }

  /**
   * The org's opportunity by id: another org's (or an offer of another type) costs what a missing one does,
   * and both reads filter on `_id` alone (with `orgId` and `type` in the filter FerretDB scanned the
   * collection: 220 ms at 20,000 documents, against 1.5 ms).
   */
  findById(orgId: string, id: string): Promise<Offer | null> {
    return findVisibleDoc(this.model, orgId, id, { type: OfferType.CPPO_OUT });
  }

  list(orgId: string, filter: OpportunityFilter, page: PageRequest): Promise<Page<Offer>> {
    return findOrgPage(this.model, orgId, { ...filter, type: OfferType.CPPO_OUT }, page);
  }

  /** The opportunity a change set belongs to (publish or restrict), within the org. */
  findByChangeSetId(orgId: string, changeSetId: string): Promise<Offer | null> {
    const id = str(changeSetId, 'changeSetId');
    return this.model
      .findOne({
        orgId: str(orgId, 'orgId'),
        type: OfferType.CPPO_OUT,
        $or: [{ 'marketplace.changeSetId': id }, { 'marketplace.restrict.changeSetId': id }],
      })
      .lean()
      .exec();
  }

  // ------------------------------------------------------------------ work lists (across orgs)

  /** PENDING opportunities whose change set was never submitted, due now. */
  findDueForSubmit(now: Date, limit: number): Promise<Offer[]> {
    return this.work(
      {
        status: OfferStatus.PENDING,
        'marketplace.changeSetId': null,
        ...due('marketplace.submitAfter', now),
      },
      limit,
    );
  }

  /** ACTIVE opportunities with a restriction requested and not yet submitted, due now. */
  findDueForRestrictSubmit(now: Date, limit: number): Promise<Offer[]> {
    return this.work(
      {
        status: OfferStatus.ACTIVE,
        'marketplace.restrict.requestedAt': { $ne: null },
        'marketplace.restrict.changeSetId': null,
        'marketplace.restrict.status': null,
        ...due('marketplace.submitAfter', now),
      },
      limit,
    );
  }

  /** Opportunities whose running change set (publish or restrict) is due for a DescribeChangeSet. */
  findDueForPolling(now: Date, limit: number): Promise<Offer[]> {
    return this.work(
      {
        'marketplace.pollAfter': { $lte: now },
        $or: [
          { status: OfferStatus.PENDING, 'marketplace.changeSetId': { $ne: null } },
          {
            status: OfferStatus.ACTIVE,
            'marketplace.restrict.changeSetId': { $ne: null },
            'marketplace.restrict.status': { $in: ['PREPARING', 'APPLYING'] },
          },
        ],
      },
      limit,
    );
  }

  /** ACTIVE opportunities whose expiry date (YYYY-MM-DD) is before `today`. */
  findExpired(today: string, limit: number): Promise<Offer[]> {
    return this.work({ status: OfferStatus.ACTIVE, expiryDate: { $lt: today } }, limit);
  }

  /** ACTIVE opportunities whose expiry date is between `from` and `until` (YYYY-MM-DD, both included). */
  findExpiring(from: string, until: string, limit: number): Promise<Offer[]> {
    return this.work(
      { status: OfferStatus.ACTIVE, expiryDate: { $gte: str(from, 'from'), $lte: str(until, 'until') } },
      limit,
    );
  }

  /** ACTIVE opportunities not compared with AWS since `before`. */
  findDueForReconcile(before: Date, limit: number): Promise<Offer[]> {
    return this.work(
      {
        status: OfferStatus.ACTIVE,
        $or: [{ 'marketplace.reconciledAt': null }, { 'marketplace.reconciledAt': { $lt: before } }],
      },
      limit,
    );
  }

  // ------------------------------------------------------------------ transitions

  /** Irreversible restriction asked for: only from ACTIVE, and not while one is in progress. */
  requestRestrict(orgId: string, id: string, restrict: RestrictRequest): Promise<Offer | null> {
    return this.transition(
      orgId,
      id,
      when.all(
        when.equals('status', OfferStatus.ACTIVE),
        when.present('marketplace.resaleAuthorizationId'),
        when.any(when.absent('marketplace.restrict'), when.equals('marketplace.restrict.status', 'FAILED')),
      ),
      { set: { 'marketplace.restrict': restrict } },
    );
  }

  /** AWS accepted the publish change set: its id is stored at once. */
  recordSubmission(offer: Offer, changeSetId: string, pollAfter: Date): Promise<Offer | null> {
    return this.transition(offer.orgId, offer._id, this.awaitingSubmission(), {
      set: {
        'marketplace.changeSetId': changeSetId,
        'marketplace.changeSetStatus': 'PREPARING',
        'marketplace.pollAfter': pollAfter,
        'marketplace.pollAttempts': 0,
      },
    });
  }

  /** AWS refused the publish change set itself: FAILED with AWS's reason. */
  failSubmission(offer: Offer, errors: MarketplaceError[], events: OutboxEvent[]): Promise<Offer | null> {
    return this.transition(
      offer.orgId,
      offer._id,
      this.awaitingSubmission(),
      { set: { status: OfferStatus.FAILED, 'marketplace.errors': errors } },
      events,
    );
  }

  recordRestrictSubmission(offer: Offer, changeSetId: string, pollAfter: Date): Promise<Offer | null> {
    return this.transition(offer.orgId, offer._id, when.absent('marketplace.restrict.changeSetId'), {
      set: {
        'marketplace.restrict.changeSetId': changeSetId,
        'marketplace.restrict.status': 'PREPARING',
        'marketplace.pollAfter': pollAfter,
        'marketplace.pollAttempts': 0,
      },
    });
  }

  failRestrictSubmission(offer: Offer, errors: MarketplaceError[]): Promise<Offer | null> {
    return this.transition(offer.orgId, offer._id, when.absent('marketplace.restrict.changeSetId'), {
      set: { 'marketplace.restrict.status': 'FAILED', 'marketplace.restrict.errors': errors },
    });
  }

  /**
   * The publish change set ended: ACTIVE (with the authorization id) or FAILED. Only while the
   * opportunity still waits for that change set, so a late or repeated result changes nothing.
   */
  completePublish(
    offer: Offer,
    status: OfferStatus.ACTIVE | OfferStatus.FAILED,
    outcome: ChangeSetOutcome,
    events: OutboxEvent[],
  ): Promise<Offer | null> {
    return this.transition(
      offer.orgId,
      offer._id,
      awaiting(OfferStatus.PENDING, 'marketplace.changeSetId', outcome.changeSetId),
      {
        set: {
          status,
          'marketplace.changeSetStatus': outcome.changeSetStatus,
          'marketplace.errors': outcome.errors,
          ...(outcome.resaleAuthorizationId
            ? { 'marketplace.resaleAuthorizationId': outcome.resaleAuthorizationId }
            : {}),
        },
        unset: ['marketplace.pollAfter'],
      },
      events,
    );
  }

  /** The restrict change set ended: RESTRICTED, or still ACTIVE with the restriction FAILED. */
  completeRestrict(offer: Offer, outcome: ChangeSetOutcome, events: OutboxEvent[]): Promise<Offer | null> {
    const restricted = outcome.changeSetStatus === 'SUCCEEDED';
    return this.transition(
      offer.orgId,
      offer._id,
      awaiting(OfferStatus.ACTIVE, 'marketplace.restrict.changeSetId', outcome.changeSetId),
      {
        set: restricted
          ? { status: OfferStatus.RESTRICTED, 'marketplace.restrict.status': outcome.changeSetStatus }
          : { 'marketplace.restrict.status': 'FAILED', 'marketplace.restrict.errors': outcome.errors },
      },
      events,
    );
  }

  /** The next DescribeChangeSet of a running change set. */
  schedulePoll(offer: Offer, pollAfter: Date, changeSetStatus?: string): Promise<Offer | null> {
    return this.transition(offer.orgId, offer._id, when.always(), {
      set: {
        'marketplace.pollAfter': pollAfter,
        ...(changeSetStatus ? { 'marketplace.changeSetStatus': changeSetStatus } : {}),
      },
      inc: { 'marketplace.pollAttempts': 1 },
    });
  }

  /** The next try of a submission that failed for a reason worth retrying (throttling, 5xx, network). */
  scheduleSubmit(offer: Offer, submitAfter: Date): Promise<Offer | null> {
    return this.transition(offer.orgId, offer._id, when.always(), {
      set: { 'marketplace.submitAfter': submitAfter },
      inc: { 'marketplace.submitAttempts': 1 },
    });
  }

  /** ACTIVE → EXPIRED or RESTRICTED. */
  endActive(
    offer: Offer,
    status: OfferStatus.EXPIRED | OfferStatus.RESTRICTED,
    events: OutboxEvent[],
  ): Promise<Offer | null> {
    return this.transition(
      offer.orgId,
      offer._id,
      when.equals('status', OfferStatus.ACTIVE),
      { set: { status } },
      events,
    );
  }

  /**
   * The expiry notices `days` sent (all at or above the one due now), with its event: once — a notice
   * already recorded leaves the opportunity as it is (null).
   */
  markExpiryNotices(offer: Offer, days: number[], events: OutboxEvent[]): Promise<Offer | null> {
    const sent = offer.marketplace?.expiryNotices ?? [];
    const due = String(Math.min(...days));
    return this.transition(
      offer.orgId,
      offer._id,
      when.all(when.equals('status', OfferStatus.ACTIVE), when.lacks('marketplace.expiryNotices', due)),
      { set: { 'marketplace.expiryNotices': [...new Set([...sent, ...days.map(String)])] } },
      events,
    );
  }

  /** Compared with AWS at `at`; `offerDetails`: what AWS says of the partner's use of it. */
  markReconciled(
    offer: Offer,
    at: Date,
    offerDetails?: { offerExtendedStatus?: string; offerCreatedCount?: number },
  ): Promise<Offer | null> {
    return this.transition(offer.orgId, offer._id, when.always(), {
      set: {
        'marketplace.reconciledAt': at,
        ...(offerDetails ? { 'marketplace.offerDetails': offerDetails } : {}),
      },
    });
  }

  /** One more CPPO offer made from this opportunity; each offer counted once. */
  countLinkedOffer(orgId: string, opportunityId: string, offerId: string): Promise<Offer | null> {
    return this.transition(orgId, opportunityId, when.lacks('linkedOfferIds', offerId), {
      push: { linkedOfferIds: offerId },
      inc: { offerCount: 1 },
    });
  }

  private awaitingSubmission(): Condition {
    return when.all(when.equals('status', OfferStatus.PENDING), when.absent('marketplace.changeSetId'));
  }

  private transition(
    orgId: string,
    id: string,
    condition: Condition,
    patch: Patch,
    events: OutboxEvent[] = [],
  ): Promise<Offer | null> {
    return updateWhere(
      this.model,
      str(id, 'id'),
      when.all(when.equals('orgId', str(orgId, 'orgId')), when.equals('type', OfferType.CPPO_OUT), condition),
      patch,
      events,
      this.outbox,
    );
  }

  private work(filter: FilterQuery<Offer>, limit: number): Promise<Offer[]> {
    return this.model
      .find({ ...filter, type: OfferType.CPPO_OUT })
      .sort({ _id: 1 })
      .limit(limit)
      .lean()
      .exec();
  }
}
