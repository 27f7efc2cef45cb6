import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Entitlement } from '../schemas/entitlement.schema';
import { findOrgDoc, findOrgPage, type Page, type PageRequest } from './query';

export type EntitlementFilter = Partial<
  Pick<Entitlement, 'type' | 'status' | 'offerId' | 'opportunityId' | 'buyerAccountId' | 'agreementId'>
>;

@Injectable()
export class EntitlementRepository {
  constructor(@InjectModel(Entitlement.name) private readonly model: Model<Entitlement>) {}

  findById(orgId: string, id: string): Promise<Entitlement | null> {
    return findOrgDoc(this.model, orgId, id);
  }

  list(orgId: string, filter: EntitlementFilter, page: PageRequest): Promise<Page<Entitlement>> {
    return findOrgPage(this.model, orgId, { ...filter }, page);
  }
}
