import { publishChangeSet, restrictChangeSet } from './resale-authorization.change-set';

describe(publishChangeSet.name, () => {
  it('references the created entity and releases in the same change set', () => {
    const sut = publishChangeSet({
      name: 'N',
      productId: 'prod-1',
      resellerAccountId: '111122223333',
      usageDimensionPrices: [{ dimensionKey: 'api', price: '0.1' }],
    });
    expect(sut.map((c) => c.ChangeType)).toEqual([
      'CreateResaleAuthorization',
      'UpdatePricingTerms',
      'UpdateLegalTerms',
      'ReleaseResaleAuthorization',
    ]);
    expect(sut[0]).toMatchObject({
      ChangeName: 'ResaleAuthorization',
      Entity: { Type: 'ResaleAuthorization@1.0' },
    });
    expect(sut.slice(1).every((c) => c.Entity?.Identifier === '$ResaleAuthorization.Entity.Identifier')).toBe(
      true,
    );
    expect(sut[1].DetailsDocument).toEqual({
      PricingModel: 'Usage',
      Terms: [
        {
          Type: 'ResaleUsageBasedPricingTerm',
          CurrencyCode: 'USD',
          RateCards: [{ RateCard: [{ DimensionKey: 'api', Price: '0.1' }] }],
        },
      ],
    });
    expect(sut[2].DetailsDocument).toEqual({
      Terms: [{ Type: 'BuyerLegalTerm', Documents: [{ Type: 'StandardEula' }] }],
    });
  });

  it('carries installments in a payment schedule with a zero fixed price', () => {
    const sut = publishChangeSet({
      name: 'N',
      productId: 'prod-1',
      resellerAccountId: '111122223333',
      commitAmount: {
        amount: '100',
        currency: 'EUR',
        duration: 'P1Y',
        grants: [{ dimensionKey: 'u', quantity: 5 }],
      },
      installments: [{ chargeDate: '2030-01-01', amount: '100' }],
      expiryDate: '2029-12-01',
      singleUse: true,
    });
    const pricing = sut.find((c) => c.ChangeType === 'UpdatePricingTerms')!.DetailsDocument as any;
    expect(pricing.Terms[0]).toMatchObject({
      Type: 'ResaleFixedUpfrontPricingTerm',
      Price: '0.00',
      CurrencyCode: 'EUR',
      Grants: [{ DimensionKey: 'u', MaxQuantity: 5 }],
    });
    expect(sut.find((c) => c.ChangeType === 'UpdatePaymentScheduleTerms')!.DetailsDocument).toEqual({
      Terms: [
        {
          Type: 'ResalePaymentScheduleTerm',
          CurrencyCode: 'EUR',
          Schedule: [{ ChargeDate: '2030-01-01', ChargeAmount: '100' }],
        },
      ],
    });
    expect(sut.find((c) => c.ChangeType === 'UpdateAvailability')!.DetailsDocument).toEqual({
      AvailabilityEndDate: '2029-12-01',
      OffersMaxQuantity: 1,
    });
  });

  it('offers a commit priced per unit as a configurable upfront term (AWS’s upfront-contract samples)', () => {
    const sut = publishChangeSet({
      name: 'N',
      productId: 'prod-1',
      resellerAccountId: '111122223333',
      commitAmount: {
        amount: '1250.00',
        currency: 'USD',
        duration: 'P12M',
        grants: [
          { dimensionKey: 'users', quantity: 10, unitPrice: '100.00' },
          { dimensionKey: 'admins', quantity: 5, unitPrice: '50.00' },
        ],
      },
    });
    const pricing = sut.find((c) => c.ChangeType === 'UpdatePricingTerms')!.DetailsDocument as any;
    expect(pricing).toEqual({
      PricingModel: 'Contract',
      Terms: [
        {
          Type: 'ResaleConfigurableUpfrontPricingTerm',
          CurrencyCode: 'USD',
          RateCards: [
            {
              Selector: { Type: 'Duration', Value: 'P12M' },
              RateCard: [
                { DimensionKey: 'users', Price: '100.00' },
                { DimensionKey: 'admins', Price: '50.00' },
              ],
              Constraints: { MultipleDimensionSelection: 'Allowed', QuantityConfiguration: 'Allowed' },
            },
          ],
        },
      ],
    });
    expect(sut.map((c) => c.ChangeType)).not.toContain('UpdatePaymentScheduleTerms');
  });

  it('restricts by id', () => {
    expect(restrictChangeSet('resaleauthz-1')).toEqual([
      {
        ChangeType: 'RestrictResaleAuthorization',
        Entity: { Type: 'ResaleAuthorization@1.0', Identifier: 'resaleauthz-1' },
        DetailsDocument: {},
      },
    ]);
  });
});
