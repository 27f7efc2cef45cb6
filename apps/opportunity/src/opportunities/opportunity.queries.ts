import { Injectable, NotFoundException } from '@nestjs/common';
import { OfferType } from '@cppo/contracts';
import {
  EntitlementRepository,
  OfferRepository,
  OpportunityRepository,
  type Offer,
  type Page,
} from '@cppo/persistence';
import { ChainView, EntitlementView, OfferView } from '@cppo/views';
import type { OpportunityListQuery } from './dto/opportunity-list.query';

/** Reads: one opportunity, the list, and the deal chain built from the public views. */
@Injectable()
export class OpportunityQueries {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly offers: OfferRepository,
    private readonly entitlements: EntitlementRepository,
  ) {}

  async get(orgId: string, id: string): Promise<Offer> {
    const offer = await this.opportunities.findById(orgId, id);
    if (!offer) throw new NotFoundException(`opportunity ${id} not found`);
    return offer;
  }

  list(orgId: string, query: OpportunityListQuery): Promise<Page<Offer>> {
    return this.opportunities.list(
      orgId,
      {
        status: query.status,
        productId: query.productId,
        resellerAccountId: query.resellerAccountId,
        key: query.key,
      },
      { limit: query.limit, cursor: query.cursor },
    );
  }

  async chain(orgId: string, id: string): Promise<ChainView> {
    const opportunity = await this.get(orgId, id);
    const page = { limit: 200 };
    const [offers, entitlements] = await Promise.all([
      this.offers.list(orgId, { type: OfferType.CPPO, cppoOutOfferId: id }, page),
      this.entitlements.list(orgId, { opportunityId: id }, page),
    ]);
    // A partner's offer not linked to the opportunity itself (AWS hid its resale authorization and no
    // unique match was found) still belongs to the chain when an agreement made from it names both.
    const known = new Set(offers.items.map((o) => o.awsOfferId));
    const named = [...new Set(entitlements.items.map((e) => e.awsOfferId))].filter(
      (awsOfferId): awsOfferId is string => !!awsOfferId && !known.has(awsOfferId),
    );
    const more = named.length ? await this.offers.findCppoByAwsOfferIds(orgId, named) : [];
    return {
      opportunity: OfferView.from(opportunity),
      offers: [...offers.items, ...more].map(OfferView.from),
      entitlements: entitlements.items.map(EntitlementView.from),
    };
  }
}
