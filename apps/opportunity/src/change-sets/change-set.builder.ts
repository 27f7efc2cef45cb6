import type { Change } from '@aws-sdk/client-marketplace-catalog';
import type { CreateOpportunityDto } from '../opportunities/dto/create-opportunity.dto';

export const RESALE_AUTHORIZATION = 'ResaleAuthorization@1.0';
const REF = '$ResaleAuthorization.Entity.Identifier';

const update = (ChangeType: string, DetailsDocument: Record<string, unknown>): Change => ({
  ChangeType,
  Entity: { Type: RESALE_AUTHORIZATION, Identifier: REF },
  DetailsDocument: DetailsDocument as never,
});

/**
 * One change set that creates, completes and releases the resale authorization, referencing the new
 * entity with `$ResaleAuthorization.Entity.Identifier` (AWS's own samples put Release right after Create:
 * the change set is validated as a whole).
 */
export function buildPublishChangeSet(o: CreateOpportunityDto): Change[] {
  const changes: Change[] = [
    {
      ChangeType: 'CreateResaleAuthorization',
      ChangeName: 'ResaleAuthorization',
      Entity: { Type: RESALE_AUTHORIZATION },
      DetailsDocument: {
        ProductId: o.productId,
        Name: o.name,
        ResellerAccountId: o.resellerAccountId,
        ...(o.description ? { Description: o.description } : {}),
      } as never,
    },
  ];
  if (o.renewal) {
    changes.push(
      update('UpdateInformation', {
        PreExistingBuyerAgreement: {
          AcquisitionChannel: o.renewal.acquisitionChannel,
          PricingModel: o.renewal.pricingModel,
        },
      }),
    );
  }
  if (o.buyerAccountIds?.length) {
    changes.push(
      update('UpdateBuyerTargetingTerms', {
        Terms: [{ Type: 'BuyerTargetingTerm', PositiveTargeting: { BuyerAccounts: o.buyerAccountIds } }],
      }),
    );
  }
  const terms: Record<string, unknown>[] = [];
  const perUnit =
    !!o.commitAmount?.grants.length && o.commitAmount.grants.every((g) => g.unitPrice !== undefined);
  if (o.commitAmount && perUnit) {
    // Per-unit prices: AWS's own upfront-contract samples use this term (the buyer configures quantities).
    terms.push({
      Type: 'ResaleConfigurableUpfrontPricingTerm',
      CurrencyCode: o.commitAmount.currency,
      RateCards: [
        {
          Selector: { Type: 'Duration', Value: o.commitAmount.duration },
          RateCard: o.commitAmount.grants.map((g) => ({ DimensionKey: g.dimensionKey, Price: g.unitPrice })),
          Constraints: { MultipleDimensionSelection: 'Allowed', QuantityConfiguration: 'Allowed' },
        },
      ],
    });
  } else if (o.commitAmount) {
    terms.push({
      Type: 'ResaleFixedUpfrontPricingTerm',
      CurrencyCode: o.commitAmount.currency,
      Duration: o.commitAmount.duration,
      // With installments the amount is carried by the payment schedule (AWS's flexible-payment sample).
      Price: o.installments?.length ? '0.00' : o.commitAmount.amount,
      Grants: o.commitAmount.grants.map((g) => ({ DimensionKey: g.dimensionKey, MaxQuantity: g.quantity })),
    });
  }
  if (o.usageDimensionPrices?.length) {
    terms.push({
      Type: 'ResaleUsageBasedPricingTerm',
      CurrencyCode: 'USD',
      RateCards: [
        { RateCard: o.usageDimensionPrices.map((p) => ({ DimensionKey: p.dimensionKey, Price: p.price })) },
      ],
    });
  }
  changes.push(
    update('UpdatePricingTerms', { PricingModel: o.commitAmount ? 'Contract' : 'Usage', Terms: terms }),
  );
  if (o.installments?.length && o.commitAmount) {
    changes.push(
      update('UpdatePaymentScheduleTerms', {
        Terms: [
          {
            Type: 'ResalePaymentScheduleTerm',
            CurrencyCode: o.commitAmount.currency,
            Schedule: o.installments.map((i) => ({ ChargeDate: i.chargeDate, ChargeAmount: i.amount })),
          },
        ],
      }),
    );
  }
  if (o.expiryDate || o.singleUse) {
    changes.push(
      update('UpdateAvailability', {
        ...(o.expiryDate ? { AvailabilityEndDate: o.expiryDate } : {}),
        ...(o.singleUse ? { OffersMaxQuantity: 1 } : {}),
      }),
    );
  }
  const legal: Record<string, unknown>[] = [
    {
      Type: 'BuyerLegalTerm',
      Documents: [
        o.eula?.type === 'CUSTOM' ? { Type: 'CustomEula', Url: o.eula.url } : { Type: 'StandardEula' },
      ],
    },
  ];
  if (o.resellerContract) {
    legal.push({
      Type: 'ResaleLegalTerm',
      Documents: [
        o.resellerContract.type === 'CUSTOM'
          ? { Type: 'CustomResellerContract', Url: o.resellerContract.url }
          : { Type: 'StandardResellerContract' },
      ],
    });
  }
  changes.push(update('UpdateLegalTerms', { Terms: legal }));
  changes.push(update('ReleaseResaleAuthorization', {}));
  return changes;
}

export function buildRestrictChangeSet(resaleAuthorizationId: string): Change[] {
  return [
    {
      ChangeType: 'RestrictResaleAuthorization',
      Entity: { Type: RESALE_AUTHORIZATION, Identifier: resaleAuthorizationId },
      DetailsDocument: {} as never,
    },
  ];
}
