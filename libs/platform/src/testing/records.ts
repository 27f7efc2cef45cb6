import type { INestApplication } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { OfferStatus, OfferType } from '@cppo/contracts';
import { newId, Offer, SCHEMAS } from '@cppo/persistence';

/**
 * Test data written straight into an app's database, for states a test needs as its starting point
 * (an opportunity already ACTIVE, another org's record): services never write this way.
 */
export async function seedOffer(
  app: INestApplication,
  offer: Partial<Offer> & { orgId: string },
): Promise<Offer> {
  const id = offer._id ?? newId('off');
  const type = offer.type ?? OfferType.CPPO_OUT;
  const awsOfferId = type === OfferType.CPPO ? (offer.awsOfferId ?? `offer-${id}`) : undefined;
  const doc = {
    _id: id,
    type,
    status: type === OfferType.CPPO ? OfferStatus.RELEASED : OfferStatus.ACTIVE,
    dedupKey: awsOfferId ? `aws:${awsOfferId}` : `out:${id}`,
    awsOfferId,
    productId: 'prod-abc123',
    resellerAccountId: '111122223333',
    buyerAccountIds: [],
    marketplace: {},
    offerCount: 0,
    outbox: [],
    ...offer,
  };
  const created = await app.get<Model<Offer>>(getModelToken(Offer.name)).create(doc);
  return created.toObject();
}

/** How many documents of a collection (by model name) match a plain-equality filter. */
export function countStored(
  app: INestApplication,
  model: string,
  filter: Record<string, string | boolean>,
): Promise<number> {
  return app.get<Model<unknown>>(getModelToken(model)).countDocuments(filter).exec();
}

/**
 * Removes every record of an org (a test that creates many orgs keeps its collections small: FerretDB scans
 * them for anything but an _id lookup).
 */
export async function deleteOrgRecords(app: INestApplication, orgId: string): Promise<void> {
  for (const { name } of SCHEMAS)
    await app.get<Model<unknown>>(getModelToken(name)).deleteMany({ orgId }).exec();
}
