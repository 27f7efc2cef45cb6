import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model, UpdateQuery } from 'mongoose';
import type { OfferStatus, OfferType } from '@cppo/contracts';
import { Offer } from '../schemas/offer.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { updateWithEvents, withOutbox } from './outbox.store';
import { findPage, str, type Page, type PageRequest } from './query';

export interface OfferFilter {
  type?: OfferType;
  status?: OfferStatus;
  productId?: string;
  resellerAccountId?: string;
  cppoOutOfferId?: string;
}

@Injectable()
export class OfferRepository {
  constructor(@InjectModel(Offer.name) readonly model: Model<Offer>) {}

  findById(orgId: string, id: string): Promise<Offer | null> {
    return this.model
      .findOne({ _id: str(id, 'id'), orgId: str(orgId, 'orgId') })
      .lean()
      .exec();
  }

  list(orgId: string, filter: OfferFilter, page: PageRequest): Promise<Page<Offer>> {
    const query: FilterQuery<Offer> = { orgId: str(orgId, 'orgId') };
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) (query as Record<string, string>)[key] = str(value, key);
    }
    return findPage(this.model, query, page);
  }

  findByDedupKey(orgId: string, dedupKey: string): Promise<Offer | null> {
    return this.model
      .findOne({ orgId: str(orgId, 'orgId'), dedupKey: str(dedupKey, 'dedupKey') })
      .lean()
      .exec();
  }

  /** The opportunity a change set belongs to (publish or restrict), within the org. */
  findByChangeSetId(orgId: string, changeSetId: string): Promise<Offer | null> {
    const id = str(changeSetId, 'changeSetId');
    return this.model
      .findOne({
        orgId: str(orgId, 'orgId'),
        $or: [{ 'marketplace.changeSetId': id }, { 'marketplace.restrict.changeSetId': id }],
      })
      .lean()
      .exec();
  }

  /** Background work lists across orgs (the services' own jobs, never an API query). */
  findWork(filter: FilterQuery<Offer>, limit: number): Promise<Offer[]> {
    return this.model.find(filter).sort({ _id: 1 }).limit(limit).lean().exec();
  }

  /**
   * Inserts a new offer with its first events (with `leaseUntil`, held by the caller, which publishes
   * them itself). Throws a duplicate-key error if `dedupKey` exists.
   */
  async insert(
    offer: Omit<Offer, 'outbox' | 'createdAt' | 'updatedAt'>,
    events: OutboxEvent[],
    leaseUntil?: Date,
  ): Promise<Offer> {
    const doc = await this.model.create(withOutbox(offer, events, leaseUntil));
    return doc.toObject();
  }

  /** One atomic state change + its events; `expect` narrows the match (e.g. the status it must be in). */
  update(
    orgId: string,
    id: string,
    expect: FilterQuery<Offer>,
    update: UpdateQuery<Offer>,
    events: OutboxEvent[],
  ): Promise<Offer | null> {
    return updateWithEvents(
      this.model,
      str(id, 'id'),
      { ...expect, orgId: str(orgId, 'orgId') },
      update,
      events,
    );
  }
}
