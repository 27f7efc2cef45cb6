import type { OpportunityTerms } from './opportunity-terms';
import { dimensionProblems, opportunityProblems, toMicros } from './opportunity.rules';

const today = '2027-01-10';
const base = (): OpportunityTerms => ({
  name: 'Acme via Partner X',
  productId: 'prod-1',
  resellerAccountId: '111122223333',
  commitAmount: {
    amount: '1200.00',
    currency: 'USD',
    duration: 'P12M',
    grants: [{ dimensionKey: 'users', quantity: 10 }],
  },
});

describe(opportunityProblems.name, () => {
  const sut = (overrides: Partial<OpportunityTerms>) =>
    opportunityProblems({ ...base(), ...overrides }, today);

  it('accepts a plain contract opportunity', () => {
    expect(sut({})).toEqual([]);
  });

  it.each<[Partial<OpportunityTerms>, string]>([
    [
      { renewal: { acquisitionChannel: 'AwsMarketplace', pricingModel: 'Contract' } },
      'buyerAccountIds: a renewal requires at least one buyer',
    ],
    [{ expiryDate: today }, 'expiryDate must be in the future'],
    [
      { commitAmount: undefined },
      'commitAmount: provide commitAmount and/or usageDimensionPrices (a resale authorization needs a price)',
    ],
    [
      {
        commitAmount: { ...base().commitAmount!, currency: 'EUR' },
        usageDimensionPrices: [{ dimensionKey: 'api', price: '1' }],
      },
      'commitAmount.currency must be USD when usageDimensionPrices are set (AWS prices usage in USD only)',
    ],
    [
      {
        usageDimensionPrices: [
          { dimensionKey: 'api', price: '1' },
          { dimensionKey: 'api', price: '2' },
        ],
      },
      'usageDimensionPrices: dimension api appears more than once',
    ],
    [{ eula: { type: 'STANDARD', url: 'https://x' } }, 'eula.url is only allowed for a CUSTOM EULA'],
    [
      {
        installments: [{ chargeDate: '2027-06-01', amount: '1200.00' }],
        singleUse: false,
        expiryDate: '2027-05-01',
      },
      'installments require singleUse: true',
    ],
    [
      { installments: [{ chargeDate: '2027-06-01', amount: '1200.00' }], singleUse: true },
      'installments require expiryDate (before every chargeDate)',
    ],
    [
      {
        installments: [{ chargeDate: '2027-04-01', amount: '1200.00' }],
        singleUse: true,
        expiryDate: '2027-05-01',
      },
      'installments.0.chargeDate must be after expiryDate 2027-05-01',
    ],
    [
      {
        installments: [{ chargeDate: '2027-06-01', amount: '1000.00' }],
        singleUse: true,
        expiryDate: '2027-05-01',
      },
      'installments: amounts must add up to commitAmount.amount 1200.00',
    ],
    [
      {
        installments: [
          { chargeDate: '2027-06-01', amount: '600' },
          { chargeDate: '2027-06-01', amount: '600' },
        ],
        singleUse: true,
        expiryDate: '2027-05-01',
      },
      'installments: chargeDate 2027-06-01 appears more than once',
    ],
  ])('%j → %s', (overrides, message) => {
    expect(sut(overrides)).toContain(message);
  });

  it('prices a commit per unit only when every grant has a unit price that adds up to the amount', () => {
    const commit = (
      grants: { dimensionKey: string; quantity: number; unitPrice?: string }[],
      amount = '1200.00',
    ) => ({
      commitAmount: { amount, currency: 'USD' as const, duration: 'P12M', grants },
    });
    expect(sut(commit([{ dimensionKey: 'users', quantity: 10, unitPrice: '120.00' }]))).toEqual([]);
    expect(
      sut(
        commit([
          { dimensionKey: 'users', quantity: 10, unitPrice: '120.00' },
          { dimensionKey: 'admins', quantity: 1 },
        ]),
      ),
    ).toContain('commitAmount.grants: give unitPrice for every grant, or for none');
    expect(sut(commit([{ dimensionKey: 'users', quantity: 10, unitPrice: '100.00' }]))).toContain(
      'commitAmount.grants: unitPrice × quantity must add up to commitAmount.amount 1200.00',
    );
    expect(
      sut({
        ...commit([{ dimensionKey: 'users', quantity: 10, unitPrice: '120.00' }]),
        installments: [{ chargeDate: '2027-06-01', amount: '1200.00' }],
        singleUse: true,
        expiryDate: '2027-05-01',
      }),
    ).toContain(
      'commitAmount.grants: unitPrice (per-unit pricing) cannot be combined with installments (a fixed price paid on a schedule)',
    );
  });

  it('requires commitAmount for installments', () => {
    expect(
      sut({
        commitAmount: undefined,
        usageDimensionPrices: [{ dimensionKey: 'a', price: '1' }],
        installments: [{ chargeDate: '2027-06-01', amount: '1' }],
        singleUse: true,
        expiryDate: '2027-05-01',
      }),
    ).toContain('installments require commitAmount');
  });

  it('adds decimal amounts exactly', () => {
    expect(toMicros('0.1') + toMicros('0.2')).toBe(toMicros('0.3'));
    expect(toMicros('12000.000001')).toBe(12000000001n);
  });
});

describe(dimensionProblems.name, () => {
  const product = { entitled: ['users', 'admins'], metered: ['api_calls', 'storage_gb'] };

  it('requires a usage price for every metered dimension and only those', () => {
    expect(
      dimensionProblems(
        { ...base(), usageDimensionPrices: [{ dimensionKey: 'api_calls', price: '1' }] },
        product,
      ),
    ).toEqual(['usageDimensionPrices: a price is required for every metered dimension; missing storage_gb']);
    expect(
      dimensionProblems(
        {
          ...base(),
          usageDimensionPrices: [
            { dimensionKey: 'api_calls', price: '1' },
            { dimensionKey: 'storage_gb', price: '1' },
            { dimensionKey: 'users', price: '1' },
          ],
        },
        product,
      ),
    ).toEqual([
      'usageDimensionPrices: users is not a metered dimension of the product (metered: api_calls, storage_gb)',
    ]);
  });

  it('requires grants on entitled dimensions', () => {
    const dto = {
      ...base(),
      commitAmount: { ...base().commitAmount!, grants: [{ dimensionKey: 'api_calls', quantity: 1 }] },
    };
    expect(dimensionProblems(dto, product)).toEqual([
      'commitAmount.grants: api_calls is not an entitled dimension of the product (entitled: users, admins)',
    ]);
  });
});
