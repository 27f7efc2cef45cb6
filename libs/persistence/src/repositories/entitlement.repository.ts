import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import { Entitlement } from '../schemas/entitlement.schema';
import { findPage, str, type Page, type PageRequest } from './query';

export type EntitlementFilter = Partial<
  Pick<Entitlement, 'type' | 'status' | 'offerId' | 'opportunityId' | 'buyerAccountId' | 'agreementId'>
>;

@Injectable()
export class EntitlementRepository {
  constructor(@InjectModel(Entitlement.name) private readonly model: Model<Entitlement>) {}

  findById(orgId: string, id: string): Promise<Entitlement | null> {
    return this.model
      .findOne({ _id: str(id, 'id'), orgId: str(orgId, 'orgId') })
      .lean()
      .exec();
  }

  list(orgId: string, filter: EntitlementFilter, page: PageRequest): Promise<Page<Entitlement>> {
    const query: FilterQuery<Entitlement> = { orgId: str(orgId, 'orgId') };
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) (query as Record<string, string>)[key] = str(value, key);
    }
    return findPage(this.model, query, page);
  }
}
