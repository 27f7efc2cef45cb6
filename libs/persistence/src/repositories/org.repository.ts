import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { newId } from '../ids';
import { Org, type OrgAwsRole } from '../schemas/org.schema';
import { str } from './query';

export class AwsAccountTakenError extends Error {}

@Injectable()
export class OrgRepository {
  constructor(@InjectModel(Org.name) private readonly model: Model<Org>) {}

  async create(input: {
    name: string;
    awsAccountIds: string[];
    productCodes?: string[];
    awsRole?: OrgAwsRole;
  }): Promise<Org> {
    const taken = await this.model
      .findOne({ awsAccountIds: { $in: input.awsAccountIds } })
      .lean()
      .exec();
    if (taken) {
      const account = input.awsAccountIds.find((id) => taken.awsAccountIds.includes(id));
      throw new AwsAccountTakenError(`AWS account ${account} already belongs to org ${taken._id}`);
    }
    const doc = await this.model.create({ _id: newId('org'), productCodes: [], ...input });
    return doc.toObject();
  }

  /** Legacy SNS notifications carry a product code, not an account: they map to an org by these. */
  async addProductCodes(orgId: string, productCodes: string[]): Promise<void> {
    await this.model
      .updateOne(
        { _id: str(orgId, 'orgId') },
        { $addToSet: { productCodes: { $each: productCodes.map((c) => str(c, 'productCode')) } } },
      )
      .exec();
  }

  /** Sets (or, with none, removes) the IAM role the org is reached through; null when there is no such org. */
  setAwsRole(orgId: string, awsRole: OrgAwsRole | undefined): Promise<Org | null> {
    const role = awsRole && {
      roleArn: str(awsRole.roleArn, 'roleArn'),
      externalId: str(awsRole.externalId, 'externalId'),
    };
    return this.model
      .findByIdAndUpdate(
        str(orgId, 'orgId'),
        role ? { $set: { awsRole: role } } : { $unset: { awsRole: '' } },
        {
          new: true,
        },
      )
      .lean()
      .exec();
  }

  findById(orgId: string): Promise<Org | null> {
    return this.model.findById(str(orgId, 'orgId')).lean().exec();
  }

  findByAwsAccountId(accountId: string): Promise<Org | null> {
    return this.model
      .findOne({ awsAccountIds: str(accountId, 'accountId') })
      .lean()
      .exec();
  }

  findByProductCode(productCode: string): Promise<Org | null> {
    return this.model
      .findOne({ productCodes: str(productCode, 'productCode') })
      .lean()
      .exec();
  }
}
