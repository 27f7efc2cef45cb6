import { Injectable } from '@nestjs/common';
import {
  OfferRepository,
  type Offer,
  type OfferFilter,
  type Page,
  type PageRequest,
} from '@cppo/persistence';

/** Reading the org's offers of both types: its opportunities (CPPO_OUT) and partners' CPPO offers. */
@Injectable()
export class OfferLookup {
  constructor(private readonly offers: OfferRepository) {}

  list(orgId: string, filter: OfferFilter, page: PageRequest): Promise<Page<Offer>> {
    return this.offers.list(orgId, filter, page);
  }

  byId(orgId: string, id: string): Promise<Offer | null> {
    return this.offers.findVisible(orgId, id);
  }
}
