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

/** One dimension of a product as a person picks it: its key, the name and unit AWS shows, how it is sold. */
export interface CatalogDimension {
  key: string;
  name?: string;
  unit?: string;
  description?: string;
  /** A contract (Entitled) dimension. */
  entitled: boolean;
  /** A usage dimension (Metered / ExternallyMetered). */
  metered: boolean;
}

/** One of the org's SaaS products as the Catalog describes it. */
export interface CatalogProduct {
  id: string;
  title?: string;
  productCode?: string;
  /** AWS's visibility: Public, Limited, Restricted, Draft. */
  visibility?: string;
  dimensions: CatalogDimension[];
}

/** A SaaS product's DescribeEntity details, as a person reads them. */
export function catalogProductOf(
  id: string,
  summaryName: string | undefined,
  details: unknown,
): CatalogProduct {
  const d = (details ?? {}) as {
    Description?: { ProductTitle?: string; ProductCode?: string; Visibility?: string };
    Dimensions?: { Key: string; Name?: string; Unit?: string; Description?: string; Types?: string[] }[];
  };
  return {
    id,
    title: d.Description?.ProductTitle ?? summaryName,
    productCode: d.Description?.ProductCode,
    visibility: d.Description?.Visibility,
    dimensions: (d.Dimensions ?? []).map((dim) => ({
      key: dim.Key,
      name: dim.Name,
      unit: dim.Unit,
      description: dim.Description,
      entitled: !!dim.Types?.includes('Entitled'),
      metered: !!dim.Types?.some((t) => t === 'Metered' || t === 'ExternallyMetered'),
    })),
  };
}
