import type { Change } from '@aws-sdk/client-marketplace-catalog';
import type { LegalDocument, OpportunityTerms } from '@cppo/contracts';

export const RESALE_AUTHORIZATION = 'ResaleAuthorization@1.0';
const REF = '$ResaleAuthorization.Entity.Identifier';

/** A change's details as the Catalog API types them (a JSON document). */
type Details = NonNullable<Change['DetailsDocument']>;

const update = (ChangeType: string, DetailsDocument: Details): Change => ({
  ChangeType,
  Entity: { Type: RESALE_AUTHORIZATION, Identifier: REF },
  DetailsDocument,
});

/**
 * One change set that creates, completes and releases the resale authorization, referencing the new
 * entity with `$ResaleAuthorization.Entity.Identifier` (AWS's own samples put Release right after Create:
 * the change set is validated as a whole).
 */
export function publishChangeSet(o: OpportunityTerms): Change[] {
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
      },
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
  changes.push(
    update('UpdatePricingTerms', {
      PricingModel: o.commitAmount ? 'Contract' : 'Usage',
      Terms: pricingTerms(o),
    }),
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
  changes.push(update('UpdateLegalTerms', { Terms: legalTerms(o) }));
  changes.push(update('ReleaseResaleAuthorization', {}));
  return changes;
}

function pricingTerms(o: OpportunityTerms): Details[] {
  const terms: Details[] = [];
  const commit = o.commitAmount;
  const unitPrices = commit?.grants.map((g) => g.unitPrice);
  if (commit && unitPrices?.length && unitPrices.every((p): p is string => p !== undefined)) {
    // Per-unit prices: AWS's own upfront-contract samples use this term (the buyer configures quantities).
    terms.push({
      Type: 'ResaleConfigurableUpfrontPricingTerm',
      CurrencyCode: commit.currency,
      RateCards: [
        {
          Selector: { Type: 'Duration', Value: commit.duration },
          RateCard: commit.grants.map((g, i) => ({ DimensionKey: g.dimensionKey, Price: unitPrices[i] })),
          Constraints: { MultipleDimensionSelection: 'Allowed', QuantityConfiguration: 'Allowed' },
        },
      ],
    });
  } else if (commit) {
    terms.push({
      Type: 'ResaleFixedUpfrontPricingTerm',
      CurrencyCode: commit.currency,
      Duration: commit.duration,
      // With installments the amount is carried by the payment schedule (AWS's flexible-payment sample).
      Price: o.installments?.length ? '0.00' : commit.amount,
      Grants: commit.grants.map((g) => ({ DimensionKey: g.dimensionKey, MaxQuantity: g.quantity })),
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
  return terms;
}

function legalTerms(o: OpportunityTerms): Details[] {
  const legal: Details[] = [
    {
      Type: 'BuyerLegalTerm',
      Documents: [
        o.eula?.type === 'CUSTOM' ? { Type: 'CustomEula', ...url(o.eula) } : { Type: 'StandardEula' },
      ],
    },
  ];
  if (o.resellerContract) {
    legal.push({
      Type: 'ResaleLegalTerm',
      Documents: [
        o.resellerContract.type === 'CUSTOM'
          ? { Type: 'CustomResellerContract', ...url(o.resellerContract) }
          : { Type: 'StandardResellerContract' },
      ],
    });
  }
  return legal;
}

/** A custom document's `Url` (validated as present for CUSTOM; left out, as JSON would, when absent). */
const url = (document: LegalDocument): { Url: string } | Record<string, never> =>
  document.url ? { Url: document.url } : {};

export function restrictChangeSet(resaleAuthorizationId: string): Change[] {
  return [
    {
      ChangeType: 'RestrictResaleAuthorization',
      Entity: { Type: RESALE_AUTHORIZATION, Identifier: resaleAuthorizationId },
      DetailsDocument: {},
    },
  ];
}
