import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { OfferStatus, OfferType } from '@cppo/contracts';
import { when } from '../condition';
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
    const set: Record<string, unknown> = Object.fromEntries(
      Object.entries(rest).filter(([, value]) => value !== undefined),
    );
    if (resaleAuthorizationId) set['marketplace.resaleAuthorizationId'] = resaleAuthorizationId;
    return updateWhere(
      this.model,
      str(id, 'id'),
      when.all(
        when.equals('orgId', str(orgId, 'orgId')),
        when.equals('type', OfferType.CPPO),
        when.lacks('sourceEventIds', str(eventId, 'eventId')),
      ),
      { set, push: { sourceEventIds: eventId } },
      events,
      this.outbox,
    );
  }
}
