import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { documentLock } from '../document-lock';
import { BuyerChain, type BuyerChainMember } from '../schemas/buyer-chain.schema';
import { isDuplicateKeyError, str } from './query';
import { lockKey } from './write';

/** The `_id` of an (org, buyer, product) chain: a hash, so that no input becomes part of a key's shape. */
export function buyerChainId(orgId: string, buyerAccountId: string, productId: string): string {
  return `bch_${createHash('sha256').update(`${orgId}\n${buyerAccountId}\n${productId}`).digest('hex').slice(0, 40)}`;
}

/** A buyer's agreements per product (entitlement service). */
@Injectable()
export class BuyerChainRepository {
  constructor(@InjectModel(BuyerChain.name) private readonly model: Model<BuyerChain>) {}

  /**
   * Adds `member` to its buyer's chain (once: a repeat finds it there) and answers the other members — one
   * round trip. Members are keyed by agreement: a derivation that lost a race to create the entitlement
   * leaves nothing wrong behind.
   */
  async join(
    orgId: string,
    buyerAccountId: string,
    productId: string,
    member: BuyerChainMember,
  ): Promise<BuyerChainMember[]> {
    const id = buyerChainId(
      str(orgId, 'orgId'),
      str(buyerAccountId, 'buyerAccountId'),
      str(productId, 'productId'),
    );
    // FerretDB rewrites a document to apply $addToSet: the process's lock keeps two joins from losing one.
    const upsert = () =>
      documentLock.run(lockKey(this.model, id), () =>
        this.model
          .findOneAndUpdate(
            { _id: id },
            { $setOnInsert: { orgId }, $addToSet: { members: member } },
            { upsert: true, new: false },
          )
          .lean()
          .exec(),
      );
    // Two processes creating the same chain at once: one insert wins, the other updates it.
    const before = await upsert().catch((error: unknown) => {
      if (isDuplicateKeyError(error)) return upsert();
      throw error;
    });
    return (before?.members ?? []).filter((m) => m.agreementId !== member.agreementId);
  }
}
