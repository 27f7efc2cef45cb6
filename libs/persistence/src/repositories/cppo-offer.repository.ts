import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { OfferStatus, OfferType } from '@cppo/contracts';
import { when, type Condition } from '../condition';
import { OutboxDispatcher } from '../outbox-dispatcher';
import { Offer } from '../schemas/offer.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { str } from './query';
import { insertWithEvents, updateWhere } from './write';

/** What an `Offer Released` notification says about a partner's offer. */
export interface ReleasedOfferFields {
  name?: string;
  productId: string;
  resellerAccountId: string;
  buyerAccountIds: string[];
  expiryDate?: string;
  cppoOutOfferId?: string;
  resaleAuthorizationId?: string;
  offerSetId?: string;
}

/** Partners' CPPO offers (`type = CPPO`), written by offer-ingest, unique per org and AWS offer id. */
@Injectable()
export class CppoOfferRepository {
  constructor(
    @InjectModel(Offer.name) private readonly model: Model<Offer>,
    @Optional() private readonly outbox?: OutboxDispatcher,
  ) {}

  findByAwsOfferId(orgId: string, awsOfferId: string): Promise<Offer | null> {
    return this.model
      .findOne({ orgId: str(orgId, 'orgId'), dedupKey: `aws:${str(awsOfferId, 'awsOfferId')}` })
      .lean()
      .exec();
  }

  /**
   * Stores a released offer (first seen in AWS event `eventId`) with its events; throws the duplicate-key
   * error if the org already has this AWS offer.
   */
  create(
    orgId: string,
    id: string,
    awsOfferId: string,
    eventId: string,
    fields: ReleasedOfferFields,
    events: OutboxEvent[],
  ): Promise<Offer> {
    const { resaleAuthorizationId, ...rest } = fields;
    return insertWithEvents(
      this.model,
      {
        ...rest,
        _id: id,
        orgId,
        awsOfferId,
        type: OfferType.CPPO,
        status: OfferStatus.RELEASED,
        dedupKey: `aws:${awsOfferId}`,
        marketplace: resaleAuthorizationId ? { resaleAuthorizationId } : {},
        offerCount: 0,
        sourceEventIds: [eventId],
      } as Offer,
      events,
      this.outbox,
    );
  }

  /** Applies one more `Offer Released` for an existing offer, once per AWS event id. */
  applyRelease(
    orgId: string,
    id: string,
    eventId: string,
    fields: ReleasedOfferFields,
    events: OutboxEvent[],
  ): Promise<Offer | null> {
    const { resaleAuthorizationId, ...rest } = fields;
    const set = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
    const patch = { set, push: { sourceEventIds: eventId } };
    const once = when.lacks('sourceEventIds', str(eventId, 'eventId'));
    return this.update(orgId, id, once, patch, resaleAuthorizationId, events);
  }

  /**
   * Records the offer set (from `OfferSet Released`) on the org's CPPO offers it lists that exist; returns
   * how many did. One write whatever the set's size (2–7 offers).
   */
  async setOfferSet(orgId: string, awsOfferIds: string[], offerSetId: string): Promise<number> {
    if (!awsOfferIds.length) return 0;
    const result = await this.model
      .updateMany(
        {
          orgId: str(orgId, 'orgId'),
          dedupKey: { $in: awsOfferIds.map((id) => `aws:${str(id, 'awsOfferId')}`) },
          type: OfferType.CPPO,
        },
        { $set: { offerSetId: str(offerSetId, 'offerSetId') } },
      )
      .exec();
    return result.matchedCount;
  }

  /**
   * Links a CPPO offer not linked yet to its opportunity (learnt later, e.g. from the agreement a buyer made
   * from it), with its events; null when it is not this org's CPPO offer or was linked meanwhile.
   */
  linkOpportunity(
    orgId: string,
    id: string,
    opportunityId: string,
    resaleAuthorizationId: string | undefined,
    events: OutboxEvent[],
  ): Promise<Offer | null> {
    const patch = { set: { cppoOutOfferId: str(opportunityId, 'opportunityId') } };
    return this.update(orgId, id, when.absent('cppoOutOfferId'), patch, resaleAuthorizationId, events);
  }

  /** A conditional write of one of the org's CPPO offers (the resale authorization set when known). */
  private update(
    orgId: string,
    id: string,
    condition: Condition,
    patch: { set: Record<string, unknown>; push?: Record<string, string> },
    resaleAuthorizationId: string | undefined,
    events: OutboxEvent[],
  ): Promise<Offer | null> {
    const set = resaleAuthorizationId
      ? { ...patch.set, 'marketplace.resaleAuthorizationId': resaleAuthorizationId }
      : patch.set;
    return updateWhere(
      this.model,
      str(id, 'id'),
      when.all(when.equals('orgId', str(orgId, 'orgId')), when.equals('type', OfferType.CPPO), condition),
      { ...patch, set },
      events,
      this.outbox,
    );
  }
}
