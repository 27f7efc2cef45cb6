import { DescribeEntityCommand, type Change } from '@aws-sdk/client-marketplace-catalog';
import {
  activeAuthorization,
  BUYER,
  daysFromNow,
  PARTNER,
  PRODUCT,
  runChangeSet,
  startHarness,
  type Harness,
} from '../testing/harness';

/**
 * AWS publishes eight resale-authorization change sets in `aws-samples/aws-marketplace-reference-code`
 * (java/src/main/resources/changeSets/resaleAuthorization/). Each case below restates one — the same change
 * types in the same order with the same term shapes — with its placeholders filled from the simulator's
 * world (its product, partner, buyer, an entitled dimension, future dates), and what AWS says it ends as.
 */
const RA = 'ResaleAuthorization@1.0';
const REF = '$ResaleAuthorization.Entity.Identifier';
const EULA_URL = 'https://legal.example.com/acme-eula.pdf';

const create = (): Change =>
  ({
    ChangeType: 'CreateResaleAuthorization',
    ChangeName: 'ResaleAuthorization',
    Entity: { Type: RA },
    DetailsDocument: {
      ProductId: PRODUCT,
      Name: 'Sample Resale Authorization',
      Description: 'Worldwide resale authorization for the sample product',
      ResellerAccountId: PARTNER,
    },
  }) as Change;
const change = (ChangeType: string, DetailsDocument: object, Identifier = REF): Change =>
  ({ ChangeType, Entity: { Type: RA, Identifier }, DetailsDocument }) as Change;
const release = () => change('ReleaseResaleAuthorization', {});
/** The samples' contract price: a configurable upfront rate card for 12 months on one entitled dimension. */
const configurableUpfront = () =>
  change('UpdatePricingTerms', {
    PricingModel: 'Contract',
    Terms: [
      {
        Type: 'ResaleConfigurableUpfrontPricingTerm',
        CurrencyCode: 'USD',
        RateCards: [
          {
            Selector: { Type: 'Duration', Value: 'P12M' },
            RateCard: [{ DimensionKey: 'users', Price: '150' }],
            Constraints: { MultipleDimensionSelection: 'Allowed', QuantityConfiguration: 'Allowed' },
          },
        ],
      },
    ],
  });
const customEula = (withResellerContract = false) =>
  change('UpdateLegalTerms', {
    Terms: [
      { Type: 'BuyerLegalTerm', Documents: [{ Type: 'CustomEula', Url: EULA_URL }] },
      ...(withResellerContract
        ? [
            {
              Type: 'ResaleLegalTerm',
              Documents: [
                {
                  Type: 'CustomResellerContract',
                  Url: 'https://s3.amazonaws.com/aws-mp-standard-contracts/Standard-Contact-for-AWS-Marketplace-2022-07-14.pdf',
                },
              ],
            },
          ]
        : []),
    ],
  });
const buyerTargeting = () =>
  change('UpdateBuyerTargetingTerms', {
    Terms: [{ Type: 'BuyerTargetingTerm', PositiveTargeting: { BuyerAccounts: [BUYER] } }],
  });

describe("AWS's published resale-authorization change sets, on the simulator", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(() => h.close());

  const cases: [string, () => Promise<Change[]> | Change[], 'Active' | 'Draft' | 'Restricted'][] = [
    [
      'MultiuseResaleauthExpirydateCPPO: custom EULA, configurable upfront, expiry, release',
      () => [
        create(),
        customEula(),
        configurableUpfront(),
        change('UpdateAvailability', { AvailabilityEndDate: daysFromNow(60) }),
        release(),
      ],
      'Active',
    ],
    [
      'MultiuseResaleauthExpirydateCustomresellerContractdoc: release first, then expiry, EULA + reseller contract, pricing',
      () => [
        create(),
        release(),
        change('UpdateAvailability', { AvailabilityEndDate: daysFromNow(60) }),
        customEula(true),
        configurableUpfront(),
      ],
      'Active',
    ],
    [
      'OnetimeResaleauthCustomEula: single use, configurable upfront, custom EULA',
      () => [
        create(),
        release(),
        change('UpdateAvailability', { OffersMaxQuantity: 1 }),
        configurableUpfront(),
        customEula(),
      ],
      'Active',
    ],
    [
      'PublishMultiuseResaleAuthExpirydateSpecificBuyer: expiry and one buyer',
      () => [
        create(),
        release(),
        change('UpdateAvailability', { AvailabilityEndDate: daysFromNow(60) }),
        configurableUpfront(),
        buyerTargeting(),
        customEula(),
      ],
      'Active',
    ],
    [
      'PublishOnetimeResaleAuthSpecificBuyer: single use given as the string "1", one buyer',
      () => [
        create(),
        release(),
        configurableUpfront(),
        customEula(),
        change('UpdateAvailability', { OffersMaxQuantity: '1' }),
        buyerTargeting(),
      ],
      'Active',
    ],
    [
      'OnetimeResaleauthRenewal: renewal of an existing agreement for one buyer, not released',
      () => [
        create(),
        buyerTargeting(),
        change('UpdateAvailability', { OffersMaxQuantity: 1 }),
        change('UpdateInformation', {
          Name: 'Sample Resale Authorization',
          Description: 'Worldwide resale authorization for the sample product',
          PreExistingBuyerAgreement: { AcquisitionChannel: 'AwsMarketplace', PricingModel: 'Contract' },
        }),
      ],
      'Draft',
    ],
    [
      // The published file nests its change in a second ChangeSet (a typo); this is the change it means.
      'UpdateUnpublishedResaleAuthorization: name and description of a draft',
      async () => {
        const draft = await runChangeSet(h.clients().catalog, [create()]);
        const id = draft.ChangeSet![0].Entity!.Identifier!;
        return [
          change(
            'UpdateInformation',
            { Name: 'Sample Resale Authorization', Description: 'Worldwide resale authorization' },
            id,
          ),
        ];
      },
      'Draft',
    ],
    [
      'RestrictResaleAuthorization: an active one',
      async () => [change('RestrictResaleAuthorization', {}, await activeAuthorization(h.clients().catalog))],
      'Restricted',
    ],
  ];

  it.each(cases)('%s → SUCCEEDED, %s', async (_name, build, status) => {
    const catalog = h.clients().catalog;
    const result = await runChangeSet(catalog, await build());
    expect(result.ChangeSet!.flatMap((c) => c.ErrorDetailList ?? [])).toEqual([]);
    expect(result.Status).toBe('SUCCEEDED');
    const id = result.ChangeSet![0].Entity!.Identifier!;
    const entity = await catalog.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: id }));
    expect((entity.DetailsDocument as { Status: string }).Status).toBe(status);
  });
});
