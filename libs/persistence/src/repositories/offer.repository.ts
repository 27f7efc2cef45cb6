import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import { OfferStatus, OfferType } from '@cppo/contracts';
import { Offer } from '../schemas/offer.schema';
import { findOrgDoc, findOrgPage, findPage, findVisibleDoc, str, type Page, type PageRequest } from './query';

export interface OfferFilter {
  type?: OfferType;
  status?: OfferStatus;
  productId?: string;
  resellerAccountId?: string;
  /** CPPO offers made from this opportunity. */
  cppoOutOfferId?: string;
}

/** Reads over both offer types (the Offer view, the chain, linking). Writes go through the typed repositories. */
@Injectable()
export class OfferRepository {
  constructor(@InjectModel(Offer.name) private readonly model: Model<Offer>) {}

  findById(orgId: string, id: string): Promise<Offer | null> {
    return findOrgDoc(this.model, orgId, id);
  }

  /** By id for the org's callers (HTTP): another org's costs what a missing one does. */
  findVisible(orgId: string, id: string): Promise<Offer | null> {
    return findVisibleDoc(this.model, orgId, id);
  }

  list(orgId: string, filter: OfferFilter, page: PageRequest): Promise<Page<Offer>> {
    return findOrgPage(this.model, orgId, { ...filter }, page);
  }

  /** The org's CPPO offer with this AWS offer id. */
  findCppoByAwsOfferId(orgId: string, awsOfferId: string): Promise<Offer | null> {
    return this.model
      .findOne({ orgId: str(orgId, 'orgId'), dedupKey: `aws:${str(awsOfferId, 'awsOfferId')}` })
      .lean()
      .exec();
  }

  /** The org's CPPO offers with any of these AWS offer ids. */
  findCppoByAwsOfferIds(orgId: string, awsOfferIds: string[]): Promise<Offer[]> {
    return this.model
      .find({
        orgId: str(orgId, 'orgId'),
        dedupKey: { $in: awsOfferIds.map((id) => `aws:${str(id, 'awsOfferId')}`) },
      })
      .lean()
      .exec();
  }

  /** The org's CPPO offers not (yet) linked to an opportunity, newest first. */
  listUnlinkedCppo(orgId: string, page: PageRequest): Promise<Page<Offer>> {
    return findPage(
      this.model,
      { orgId: str(orgId, 'orgId'), type: OfferType.CPPO, cppoOutOfferId: null } as FilterQuery<Offer>,
      page,
    );
  }

  /** The opportunity published as this resale authorization, if it is one of the org's. */
  findOpportunityByResaleAuthorization(orgId: string, resaleAuthorizationId: string): Promise<Offer | null> {
    return this.model
      .findOne({
        orgId: str(orgId, 'orgId'),
        type: OfferType.CPPO_OUT,
        'marketplace.resaleAuthorizationId': str(resaleAuthorizationId, 'resaleAuthorizationId'),
      })
      .lean()
      .exec();
  }

  /** The org's opportunities AWS released for this partner and product (active, expired or restricted since). */
  findReleasedOpportunities(
    orgId: string,
    productId: string,
    resellerAccountId: string,
    limit: number,
  ): Promise<Offer[]> {
    return this.model
      .find({
        orgId: str(orgId, 'orgId'),
        type: OfferType.CPPO_OUT,
        productId: str(productId, 'productId'),
        resellerAccountId: str(resellerAccountId, 'resellerAccountId'),
        status: { $in: [OfferStatus.ACTIVE, OfferStatus.EXPIRED, OfferStatus.RESTRICTED] },
      })
      .sort({ _id: 1 })
      .limit(limit)
      .lean()
      .exec();
  }
}
