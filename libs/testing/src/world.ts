/**
 * The parties and products of the marketplace simulator's default world (tools/marketplace-sim), and
 * opportunity bodies valid in it.
 */
export const ISV = '123456789012';
export const OTHER_ISV = '210987654321';
export const PARTNER = '111122223333';
export const BUYER = '444455556666';
export const PRODUCT = 'prod-acmeanalytics01';
export const PRODUCT_CODE = 'acmeanalytics0000000000001';

export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Every field of the API, valid for the simulator's default world. */
export function fullOpportunity(): Record<string, unknown> {
  const expiry = daysFromNow(20);
  return {
    name: 'Acme via Partner X FY27',
    description: 'Renewal of Buyer One through Partner X',
    productId: PRODUCT,
    resellerAccountId: PARTNER,
    buyerAccountIds: [BUYER, '555566667777'],
    renewal: { acquisitionChannel: 'AwsMarketplace', pricingModel: 'Contract' },
    commitAmount: {
      amount: '12000.00',
      currency: 'USD',
      duration: 'P12M',
      grants: [
        { dimensionKey: 'users', quantity: 100 },
        { dimensionKey: 'admins', quantity: 5 },
      ],
    },
    usageDimensionPrices: [
      { dimensionKey: 'api_calls', price: '0.002' },
      { dimensionKey: 'storage_gb', price: '0.10000001' },
    ],
    expiryDate: expiry,
    singleUse: true,
    eula: { type: 'CUSTOM', url: 'https://legal.example.com/acme-eula.pdf' },
    resellerContract: { type: 'CUSTOM', url: 'https://legal.example.com/acme-reseller.pdf' },
    installments: [
      { chargeDate: daysFromNow(30), amount: '6000.00' },
      { chargeDate: daysFromNow(210), amount: '6000.00' },
    ],
  };
}

export function minimalOpportunity(name = 'Acme via Partner X'): Record<string, unknown> {
  return {
    name,
    productId: PRODUCT,
    resellerAccountId: PARTNER,
    commitAmount: {
      amount: '1200.00',
      currency: 'USD',
      duration: 'P12M',
      grants: [{ dimensionKey: 'users', quantity: 10 }],
    },
    usageDimensionPrices: [
      { dimensionKey: 'api_calls', price: '0.002' },
      { dimensionKey: 'storage_gb', price: '0.1' },
    ],
  };
}
