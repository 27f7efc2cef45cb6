/** Entitled and usage dimensions of a product, as its DescribeEntity lists them. */
export interface ProductDimensions {
  entitled: string[];
  /** Usage (metered) dimensions: `Types` containing `ExternallyMetered` or `Metered`. */
  metered: string[];
}

/** A product as the org's AWS account sees it: its dimensions and the seller account that owns it. */
export interface ProductInfo extends ProductDimensions {
  ownerAccountId: string;
}

/**
 * A product's dimensions from its DescribeEntity details. AWS types a SaaS product's usage dimensions
 * `ExternallyMetered` (listing code written elsewhere often sends `["Metered", "ExternallyMetered"]`);
 * contract dimensions `Entitled` (docs/aws-marketplace.md).
 */
export function productDimensionsOf(details: unknown): ProductDimensions {
  const dimensions =
    (details as { Dimensions?: { Key: string; Types?: string[] }[] } | undefined)?.Dimensions ?? [];
  return {
    entitled: dimensions.filter((d) => d.Types?.includes('Entitled')).map((d) => d.Key),
    metered: dimensions
      .filter((d) => d.Types?.some((t) => t === 'Metered' || t === 'ExternallyMetered'))
      .map((d) => d.Key),
  };
}
