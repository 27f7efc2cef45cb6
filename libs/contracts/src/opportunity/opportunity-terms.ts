/**
 * What a resell opportunity (an AWS resale authorization) says, in the project's own words: the shape the
 * create request is validated into, the opportunity keeps, and `libs/marketplace` turns into a Catalog
 * change set. Plain types only, so the HTTP layer, the gateway and the console can all name it.
 */
export interface OpportunityTerms {
  name: string;
  description?: string;
  productId: string;
  /** The channel partner authorized to resell. */
  resellerAccountId: string;
  /** Buyers the partner may sell to; none = any buyer. */
  buyerAccountIds?: string[];
  /** Last day (YYYY-MM-DD) the partner may make offers from it. */
  expiryDate?: string;
  renewal?: {
    acquisitionChannel: 'AwsMarketplace' | 'External';
    pricingModel: 'Contract' | 'Usage' | 'Byol' | 'Free';
  };
  commitAmount?: {
    /** Decimal string. */
    amount: string;
    currency: 'USD' | 'AUD' | 'EUR' | 'GBP' | 'JPY';
    /** ISO-8601 duration: P12M, P1Y, P30D. */
    duration: string;
    /** `unitPrice` on every grant: the buyer configures quantities (per-unit contract). */
    grants: { dimensionKey: string; quantity: number; unitPrice?: string }[];
  };
  usageDimensionPrices?: { dimensionKey: string; price: string }[];
  installments?: { chargeDate: string; amount: string }[];
  singleUse?: boolean;
  eula?: LegalDocument;
  resellerContract?: LegalDocument;
}

export interface LegalDocument {
  type: 'STANDARD' | 'CUSTOM';
  /** https URL of a CUSTOM document. */
  url?: string;
}
