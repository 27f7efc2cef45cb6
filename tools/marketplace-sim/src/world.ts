import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Dimension {
  key: string;
  name: string;
  unit: string;
  description?: string;
  /** `Entitled` (contract grants); a SaaS usage dimension is `ExternallyMetered` (older listings: `Metered`). */
  types: string[];
}

/** A usage (metered) dimension, as AWS types SaaS ones: `ExternallyMetered`, or `Metered`. */
export function isUsageDimension(dimension: Pick<Dimension, 'types'>): boolean {
  return dimension.types.includes('ExternallyMetered') || dimension.types.includes('Metered');
}

export interface Product {
  id: string;
  /** The SaaS product code (metering, entitlements, SNS topics). */
  code: string;
  title: string;
  type: 'SaaSProduct';
  /** Draft products cannot be resold. */
  status: 'Draft' | 'Limited' | 'Public';
  dimensions: Dimension[];
}

export interface Seller {
  accountId: string;
  legalName: string;
  products: Product[];
}

export interface Party {
  accountId: string;
  legalName: string;
}

/** The simulated AWS Marketplace: ISVs with their products, channel partners, buyers. */
export interface World {
  sellers: Seller[];
  resellers: Party[];
  buyers: Party[];
}

export const DEFAULT_WORLD_PATH = join(__dirname, 'default-world.json');

export function loadWorld(path = DEFAULT_WORLD_PATH): World {
  return validateWorld(JSON.parse(readFileSync(path, 'utf8')) as World);
}

/** Rejects a world the simulator could not serve (with the offending entry named). */
export function validateWorld(world: World): World {
  const account = /^\d{12}$/;
  if (!Array.isArray(world?.sellers) || !world.sellers.length)
    throw new Error('world.sellers must list at least one seller');
  for (const seller of world.sellers) {
    if (!account.test(seller.accountId))
      throw new Error(`seller ${seller.accountId}: accountId must be 12 digits`);
    for (const product of seller.products ?? []) {
      if (!product.id || !product.code)
        throw new Error(`seller ${seller.accountId}: every product needs id and code`);
      if (!Array.isArray(product.dimensions))
        throw new Error(`product ${product.id}: dimensions must be a list`);
    }
  }
  for (const party of [...(world.resellers ?? []), ...(world.buyers ?? [])]) {
    if (!account.test(party.accountId))
      throw new Error(`party ${party.accountId}: accountId must be 12 digits`);
  }
  return { sellers: world.sellers, resellers: world.resellers ?? [], buyers: world.buyers ?? [] };
}

export function findProduct(
  world: World,
  productId: string,
): { seller: Seller; product: Product } | undefined {
  for (const seller of world.sellers) {
    const product = seller.products.find((p) => p.id === productId || p.code === productId);
    if (product) return { seller, product };
  }
  return undefined;
}

export function legalName(world: World, accountId: string): string | undefined {
  return [...world.sellers, ...world.resellers, ...world.buyers].find((p) => p.accountId === accountId)
    ?.legalName;
}
