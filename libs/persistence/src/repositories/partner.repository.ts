import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import { newId } from '../ids';
import { Partner } from '../schemas/partner.schema';
import { findOrgDoc, findPage, isDuplicateKeyError, str, type Page, type PageRequest } from './query';

/** The account is already in the org's directory (as `existingId`). */
export class PartnerAccountTakenError extends Error {
  constructor(
    readonly existingId: string,
    accountId: string,
  ) {
    super(`AWS account ${accountId} is already in the directory as partner ${existingId}`);
  }
}

export type PartnerFields = Pick<Partner, 'name' | 'contactName' | 'contactEmail' | 'tags'>;

/** An org's partner directory (the opportunity service is its writer). */
@Injectable()
export class PartnerRepository {
  constructor(@InjectModel(Partner.name) private readonly model: Model<Partner>) {}

  async create(orgId: string, awsAccountId: string, fields: PartnerFields): Promise<Partner> {
    try {
      const created = await this.model.create({
        _id: newId('prt'),
        orgId: str(orgId, 'orgId'),
        awsAccountId: str(awsAccountId, 'awsAccountId'),
        ...fields,
      });
      return created.toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.findByAccount(orgId, awsAccountId);
      throw new PartnerAccountTakenError(existing?._id ?? 'unknown', awsAccountId);
    }
  }

  find(orgId: string, id: string): Promise<Partner | null> {
    return findOrgDoc(this.model, orgId, id);
  }

  findByAccount(orgId: string, awsAccountId: string): Promise<Partner | null> {
    return this.model
      .findOne({ orgId: str(orgId, 'orgId'), awsAccountId: str(awsAccountId, 'awsAccountId') })
      .lean()
      .exec();
  }

  list(
    orgId: string,
    filter: { tag?: string; awsAccountId?: string },
    page: PageRequest,
  ): Promise<Page<Partner>> {
    const query: FilterQuery<Partner> = { orgId: str(orgId, 'orgId') };
    if (filter.tag) query.tags = str(filter.tag, 'tag');
    if (filter.awsAccountId) query.awsAccountId = str(filter.awsAccountId, 'awsAccountId');
    return findPage(this.model, query, page);
  }

  /** Changes what is given (`null`: removed); null when the org has no such partner. */
  async update(
    orgId: string,
    id: string,
    change: { [K in keyof PartnerFields]?: PartnerFields[K] | null },
  ): Promise<Partner | null> {
    if (!(await this.find(orgId, id))) return null;
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    for (const [field, value] of Object.entries(change)) {
      if (value === undefined) continue;
      if (value === null) unset[field] = '';
      else set[field] = value;
    }
    return this.model
      .findByIdAndUpdate(str(id, 'id'), { $set: set, $unset: unset }, { new: true })
      .lean()
      .exec();
  }

  /** True when it was the org's and is gone. */
  async remove(orgId: string, id: string): Promise<boolean> {
    if (!(await this.find(orgId, id))) return false;
    return (await this.model.deleteOne({ _id: str(id, 'id') }).exec()).deletedCount === 1;
  }
}
