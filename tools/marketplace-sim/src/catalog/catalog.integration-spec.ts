import {
  AccessDeniedException,
  CancelChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeEntityCommand,
  InternalServiceException,
  ListChangeSetsCommand,
  ListEntitiesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  StartChangeSetCommand,
  ThrottlingException,
  ValidationException,
  type MarketplaceCatalogClient,
} from '@aws-sdk/client-marketplace-catalog';
import { parseMarketplaceNotification } from '@cppo/contracts';
import { waitFor } from '@cppo/testing';
import {
  activeAuthorization,
  BUYER,
  contractPricing,
  create,
  daysFromNow,
  errorCodes,
  ISV,
  OTHER_ISV,
  PARTNER,
  PRODUCT,
  paymentSchedule,
  release,
  runChangeSet,
  standardEula,
  startHarness,
  update,
  usagePricing,
  type Harness,
} from '../testing/harness';

const RA = 'ResaleAuthorization@1.0';

describe('marketplace-sim Catalog API (real @aws-sdk/client-marketplace-catalog)', () => {
  let h: Harness;
  let catalog: MarketplaceCatalogClient;

  beforeAll(async () => {
    h = await startHarness();
    catalog = h.clients().catalog;
  });

  afterAll(() => h.close());

  beforeEach(async () => {
    await h.scenario('DELETE', '/_sim/faults');
    await h.scenario('PUT', '/_sim/config', { changeSetDelayMs: 100 });
  });

  async function describe_(id: string) {
    return (await catalog.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: id })))
      .DetailsDocument as any;
  }

  describe('documented resale authorizations', () => {
    it('one-time with a flexible payment schedule (PublishOnetimeResaleAuthFlexiblePayment) becomes Active', async () => {
      const end = daysFromNow(30);
      const result = await runChangeSet(catalog, [
        create(),
        release(),
        update('UpdatePricingTerms', {
          PricingModel: 'Contract',
          Terms: [
            {
              Type: 'ResaleFixedUpfrontPricingTerm',
              CurrencyCode: 'USD',
              Duration: 'P12M',
              Price: '0.00',
              Grants: [{ DimensionKey: 'users', MaxQuantity: 10 }],
            },
          ],
        }),
        paymentSchedule([
          { ChargeDate: daysFromNow(40), ChargeAmount: '200.00' },
          { ChargeDate: daysFromNow(130), ChargeAmount: '250.00' },
        ]),
        update('UpdateAvailability', { AvailabilityEndDate: end, OffersMaxQuantity: 1 }),
        update('UpdateLegalTerms', {
          Terms: [
            {
              Type: 'BuyerLegalTerm',
              Documents: [{ Type: 'CustomEula', Url: 'https://my-public-bucket.s3.amazonaws.com/eula.txt' }],
            },
          ],
        }),
      ]);
      expect(result.Status).toBe('SUCCEEDED');
      expect(errorCodes(result)).toEqual([]);
      const id = result.ChangeSet![0].Entity!.Identifier!;
      expect(id).toMatch(/^resaleauthz-/);
      expect(result.ChangeSet!.every((c) => c.Entity!.Identifier === id)).toBe(true);

      const details = await describe_(id);
      expect(details).toMatchObject({ Status: 'Active', ProductId: PRODUCT, ManufacturerAccountId: ISV });
      expect(details.Rules).toContainEqual(
        expect.objectContaining({
          Type: 'AvailabilityRule',
          Usage: 'Limited',
          AvailabilityEndDate: `${end}T23:59:59Z`,
          OffersMaxQuantity: 1,
        }),
      );
      expect(details.Rules).toContainEqual(
        expect.objectContaining({
          Type: 'PartnerTargetingRule',
          ResellerAccountId: PARTNER,
          ResellerLegalName: 'Partner X Ltd.',
        }),
      );
      expect(details.Terms).toContainEqual(
        expect.objectContaining({
          Type: 'ResalePaymentScheduleTerm',
          Schedule: [
            expect.objectContaining({ ChargeAmount: '200.00' }),
            expect.objectContaining({ ChargeAmount: '250.00' }),
          ],
        }),
      );
      expect(details.Terms).toContainEqual(
        expect.objectContaining({
          Type: 'BuyerLegalTerm',
          Documents: [{ Type: 'CustomEula', Url: 'https://my-public-bucket.s3.amazonaws.com/eula.txt' }],
        }),
      );
      expect(details.OfferDetails).toEqual({ OfferExtendedStatus: 'Not Started', OfferCreatedCount: 0 });
    });

    it('renewal with a buyer (OnetimeResaleauthRenewal) stays Draft and shows the pre-existing agreement', async () => {
      const result = await runChangeSet(catalog, [
        create(),
        update('UpdateBuyerTargetingTerms', {
          Terms: [{ Type: 'BuyerTargetingTerm', PositiveTargeting: { BuyerAccounts: [BUYER] } }],
        }),
        update('UpdateAvailability', { OffersMaxQuantity: 1 }),
        update('UpdateInformation', {
          PreExistingBuyerAgreement: { AcquisitionChannel: 'AwsMarketplace', PricingModel: 'Contract' },
        }),
      ]);
      expect(result.Status).toBe('SUCCEEDED');
      const details = await describe_(result.ChangeSet![0].Entity!.Identifier!);
      expect(details.Status).toBe('Draft');
      expect(details.PreExistingBuyerAgreement).toEqual({
        AcquisitionChannel: 'AwsMarketplace',
        PricingModel: 'Contract',
      });
      expect(details.Terms).toContainEqual(
        expect.objectContaining({
          Type: 'BuyerTargetingTerm',
          PositiveTargeting: { BuyerAccounts: [{ AwsAccountId: BUYER, LegalName: 'Buyer One Corp.' }] },
        }),
      );
    });

    it('a non-renewal shows Unknown acquisition channel and pricing model; restrict makes it Restricted', async () => {
      const id = await activeAuthorization(catalog);
      expect((await describe_(id)).PreExistingBuyerAgreement).toEqual({
        AcquisitionChannel: 'Unknown',
        PricingModel: 'Unknown',
      });
      const result = await runChangeSet(catalog, [update('RestrictResaleAuthorization', {}, id)]);
      expect(result.Status).toBe('SUCCEEDED');
      const after = await catalog.send(
        new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: id }),
      );
      expect((after.DetailsDocument as any).Status).toBe('Restricted');
      expect(after.EntityIdentifier).toBe(`${id}@2`);
      expect(JSON.parse(after.Details!)).toEqual(after.DetailsDocument);
    });
  });

  describe('documented asynchronous failures (ErrorDetailList)', () => {
    const pastDate = daysFromNow(-1);
    it.each([
      [
        'renewal without a buyer',
        [
          create(),
          update('UpdateInformation', {
            PreExistingBuyerAgreement: { AcquisitionChannel: 'External', PricingModel: 'Contract' },
          }),
        ],
        'INCOMPATIBLE_BUYER_TARGETING',
      ],
      [
        'a reseller that is not a channel partner',
        [create({ ResellerAccountId: '999999999999' })],
        'INVALID_RESELLER_ACCOUNT',
      ],
      [
        'release without a BuyerLegalTerm',
        [create(), release(), contractPricing()],
        'MISSING_MANDATORY_TERMS',
      ],
      ['release without pricing', [create(), release(), standardEula()], 'MISSING_MANDATORY_TERMS'],
      [
        'an AvailabilityEndDate in the past',
        [create(), update('UpdateAvailability', { AvailabilityEndDate: pastDate })],
        'INVALID_AVAILABILITY_END_DATE',
      ],
      [
        'a payment schedule without a fixed upfront price',
        [
          create(),
          update('UpdateAvailability', { AvailabilityEndDate: daysFromNow(10), OffersMaxQuantity: 1 }),
          paymentSchedule([{ ChargeDate: daysFromNow(20), ChargeAmount: '10.00' }]),
        ],
        'MISSING_MANDATORY_TERMS',
      ],
      [
        'release of a payment schedule without a fixed upfront price',
        [
          create(),
          release(),
          standardEula(),
          usagePricing({ api_calls: '0.1', storage_gb: '0.1' }),
          update('UpdateAvailability', { AvailabilityEndDate: daysFromNow(10), OffersMaxQuantity: 1 }),
          paymentSchedule([{ ChargeDate: daysFromNow(20), ChargeAmount: '10.00' }]),
        ],
        'INCOMPATIBLE_PRICING_TERM',
      ],
      [
        'a payment schedule without OffersMaxQuantity',
        [
          create(),
          contractPricing(),
          update('UpdateAvailability', { AvailabilityEndDate: daysFromNow(10) }),
          paymentSchedule([{ ChargeDate: daysFromNow(20), ChargeAmount: '10.00' }]),
        ],
        'INCOMPATIBLE_TERMS',
      ],
      [
        'a charge date before the AvailabilityEndDate',
        [
          create(),
          contractPricing(),
          update('UpdateAvailability', { AvailabilityEndDate: daysFromNow(30), OffersMaxQuantity: 1 }),
          paymentSchedule([{ ChargeDate: daysFromNow(20), ChargeAmount: '10.00' }]),
        ],
        'INVALID_AVAILABILITY_END_DATE',
      ],
      [
        'the same charge date twice',
        [
          create(),
          contractPricing(),
          update('UpdateAvailability', { AvailabilityEndDate: daysFromNow(5), OffersMaxQuantity: 1 }),
          paymentSchedule([
            { ChargeDate: daysFromNow(20), ChargeAmount: '10.00' },
            { ChargeDate: daysFromNow(20), ChargeAmount: '10.00' },
          ]),
        ],
        'DUPLICATE_CHARGE_DATES',
      ],
      [
        '61 scheduled payments',
        [
          create(),
          contractPricing(),
          update('UpdateAvailability', { AvailabilityEndDate: daysFromNow(5), OffersMaxQuantity: 1 }),
          paymentSchedule(
            Array.from({ length: 61 }, (_, i) => ({
              ChargeDate: daysFromNow(10 + i),
              ChargeAmount: '1.00',
            })),
          ),
        ],
        'TOO_MANY_SCHEDULED_PAYMENTS',
      ],
      [
        'usage prices missing a metered dimension',
        [create(), usagePricing({ api_calls: '0.002' })],
        'INVALID_RATE_CARD',
      ],
      [
        'a usage price on an entitled dimension',
        [create(), usagePricing({ api_calls: '1', storage_gb: '1', users: '1' })],
        'INCOMPATIBLE_PRODUCT',
      ],
      [
        'usage prices in a currency other than USD',
        [create(), usagePricing({ api_calls: '1', storage_gb: '1' }, 'EUR')],
        'INVALID_CURRENCY_CODE',
      ],
      [
        'a custom EULA without a Url',
        [
          create(),
          update('UpdateLegalTerms', {
            Terms: [{ Type: 'BuyerLegalTerm', Documents: [{ Type: 'CustomEula' }] }],
          }),
        ],
        'INVALID_BUYER_LEGAL_DOCUMENTS',
      ],
    ])('%s', async (_name, changes, code) => {
      const result = await runChangeSet(catalog, changes as never);
      expect(result.Status).toBe('FAILED');
      expect(result.FailureCode).toBe('CLIENT_ERROR');
      expect(errorCodes(result)).toContain(code);
    });

    it('a fixed upfront price without a payment schedule: accepted by default, INCOMPATIBLE_PRICING_TERM when strict', async () => {
      const changes = [create(), contractPricing(), standardEula(), release()];
      expect((await runChangeSet(catalog, changes)).Status).toBe('SUCCEEDED');
      await h.scenario('PUT', '/_sim/config', { fixedUpfrontRequiresSchedule: true });
      try {
        expect(errorCodes(await runChangeSet(catalog, changes))).toContain('INCOMPATIBLE_PRICING_TERM');
      } finally {
        await h.scenario('PUT', '/_sim/config', { fixedUpfrontRequiresSchedule: false });
      }
    });

    it('accepts a BulkRequestId in the Create document and echoes one on success', async () => {
      const bulk = '6f1d9c1e-0c1b-4b7e-9d63-2a1b7b9b9b9b';
      const result = await runChangeSet(catalog, [create({ BulkRequestId: bulk })]);
      expect(result.Status).toBe('SUCCEEDED');
      expect(result.ChangeSet![0].DetailsDocument).toMatchObject({ BulkRequestId: bulk });
      const plain = await runChangeSet(catalog, [create()]);
      expect((plain.ChangeSet![0].DetailsDocument as any).BulkRequestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('accepts a usage-only term under PricingModel Contract, as AWS’s own UpdatePricingTerms example does', async () => {
      const result = await runChangeSet(catalog, [
        create(),
        update('UpdatePricingTerms', {
          PricingModel: 'Contract',
          Terms: [
            {
              Type: 'ResaleUsageBasedPricingTerm',
              CurrencyCode: 'USD',
              RateCards: [
                {
                  RateCard: [
                    { DimensionKey: 'api_calls', Price: '0.002' },
                    { DimensionKey: 'storage_gb', Price: '0.1' },
                  ],
                },
              ],
            },
          ],
        }),
        standardEula(),
        release(),
      ]);
      expect(errorCodes(result)).toEqual([]);
      expect(result.Status).toBe('SUCCEEDED');
    });

    it('a failed change set changes nothing: no authorization is created', async () => {
      const before = (await h.scenario('GET', '/_sim/resale-authorizations')).body.length;
      await runChangeSet(catalog, [create(), release()]);
      expect((await h.scenario('GET', '/_sim/resale-authorizations')).body.length).toBe(before);
    });

    it('rejects updates after release and restricting a Draft with INCOMPATIBLE_STATUS', async () => {
      const id = await activeAuthorization(catalog);
      const updateAfter = await runChangeSet(catalog, [
        update('UpdateAvailability', { AvailabilityEndDate: daysFromNow(90) }, id),
      ]);
      expect(updateAfter.ChangeSet![0].ErrorDetailList).toEqual([
        {
          ErrorCode: 'INCOMPATIBLE_STATUS',
          ErrorMessage:
            "UpdateAvailability request can't be performed after the resale authorization is released",
        },
      ]);
      const draft = (await runChangeSet(catalog, [create()])).ChangeSet![0].Entity!.Identifier!;
      expect(
        errorCodes(await runChangeSet(catalog, [update('RestrictResaleAuthorization', {}, draft)])),
      ).toEqual(['INCOMPATIBLE_STATUS']);
    });
  });

  describe('dates AWS checks after submission', () => {
    afterEach(async () => {
      await h.scenario('PUT', '/_sim/config', { now: null });
    });

    it('refuses to restrict an expired authorization with INCOMPATIBLE_STATUS', async () => {
      const id = await activeAuthorization(catalog, [
        update('UpdateAvailability', { AvailabilityEndDate: daysFromNow(2) }),
      ]);
      await h.scenario('PUT', '/_sim/config', { now: `${daysFromNow(3)}T12:00:00Z` });
      const result = await runChangeSet(catalog, [update('RestrictResaleAuthorization', {}, id)]);
      expect(result.Status).toBe('FAILED');
      expect(errorCodes(result)).toEqual(['INCOMPATIBLE_STATUS']);
      await h.scenario('PUT', '/_sim/config', { now: null });
      expect((await runChangeSet(catalog, [update('RestrictResaleAuthorization', {}, id)])).Status).toBe(
        'SUCCEEDED',
      );
    });

    it('a MaximumAgreementStartDate past or over three years ahead fails; a malformed one is a 422', async () => {
      const validity = (date: string) =>
        update('UpdateBuyerValidityTerms', {
          Terms: [{ Type: 'BuyerValidityTerm', MaximumAgreementStartDate: date }],
        });
      for (const date of [daysFromNow(-1), daysFromNow(3 * 366 + 2)]) {
        const result = await runChangeSet(catalog, [
          create(),
          contractPricing(),
          standardEula(),
          validity(date),
        ]);
        expect(errorCodes(result)).toEqual(['INVALID_MAXIMUM_AGREEMENT_START_DATE']);
      }
      expect(
        (
          await runChangeSet(catalog, [
            create(),
            contractPricing(),
            standardEula(),
            validity(daysFromNow(30)),
          ])
        ).Status,
      ).toBe('SUCCEEDED');
      await expect(
        catalog.send(
          new StartChangeSetCommand({
            Catalog: 'AWSMarketplace',
            ChangeSet: [create(), validity('next week')] as never,
          }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 422 } });
    });
  });

  describe('synchronous validation, typed errors', () => {
    it.each([
      // AWS's model refuses it first (ChangeSet: 1-20 items), in AWS's wording
      ['an empty change set', { ChangeSet: [] }, /greater than or equal to 1 .* at 'ChangeSet'/],
      ['the wrong catalog', { Catalog: 'Other', ChangeSet: [create()] }, /Catalog/],
      [
        'an unknown change type',
        { ChangeSet: [{ ChangeType: 'UpdateEverything', Entity: { Type: RA }, DetailsDocument: {} }] },
        /unsupported ChangeType/,
      ],
      ['an extra field in Create', { ChangeSet: [create({ Color: 'red' })] }, /extraneous key \[Color\]/],
      [
        'a reseller that is not 12 digits',
        { ChangeSet: [create({ ResellerAccountId: '123' })] },
        /ResellerAccountId/,
      ],
      [
        '26 buyers',
        {
          ChangeSet: [
            create(),
            update('UpdateBuyerTargetingTerms', {
              Terms: [
                {
                  Type: 'BuyerTargetingTerm',
                  PositiveTargeting: {
                    BuyerAccounts: Array.from({ length: 26 }, (_, i) => String(100000000000 + i)),
                  },
                },
              ],
            }),
          ],
        },
        /maximum item count: 25/,
      ],
      [
        'a charge date in the past (checked at submission)',
        {
          ChangeSet: [create(), paymentSchedule([{ ChargeDate: daysFromNow(-1), ChargeAmount: '10.00' }])],
        },
        /ChargeDate: must be a future date/,
      ],
      [
        'a net payment due period AWS does not offer (checked at submission)',
        {
          ChangeSet: [
            create(),
            update('UpdateNetPaymentTerms', {
              Terms: [{ Type: 'ResaleNetPaymentTerm', PaymentDuePeriod: 'P7D' }],
            }),
          ],
        },
        /PaymentDuePeriod: must be one of P15D/,
      ],
      [
        'OffersMaxQuantity 2',
        { ChangeSet: [create(), update('UpdateAvailability', { OffersMaxQuantity: 2 })] },
        /only 1 is allowed/,
      ],
      [
        'a reference to no Create',
        { ChangeSet: [update('ReleaseResaleAuthorization', {}, '$Nothing.Entity.Identifier')] },
        /does not reference/,
      ],
      [
        'the same change type twice on one entity',
        { ChangeSet: [create(), release(), release()] },
        /applied twice/,
      ],
      ['Details and DetailsDocument together', { ChangeSet: [{ ...create(), Details: '{}' }] }, /not both/],
    ])('%s → ValidationException (422)', async (_name, input, message) => {
      const error = await catalog
        .send(new StartChangeSetCommand({ Catalog: 'AWSMarketplace', ...(input as object) } as never))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationException);
      expect((error as ValidationException).$metadata.httpStatusCode).toBe(422);
      expect((error as Error).message).toMatch(message);
    });

    it('OffersMaxQuantity as a string: accepted by default (AWS’s own sample sends "1"), refused when strict', async () => {
      const changes = [create(), update('UpdateAvailability', { OffersMaxQuantity: '1' })];
      expect((await runChangeSet(catalog, changes as never)).Status).toBe('SUCCEEDED');
      await h.scenario('PUT', '/_sim/config', { strictIntegers: true });
      try {
        const error = await catalog
          .send(new StartChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSet: changes as never }))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationException);
        expect((error as Error).message).toMatch(/OffersMaxQuantity: expected type: Integer, found: String/);
      } finally {
        await h.scenario('PUT', '/_sim/config', { strictIntegers: false });
      }
    });

    it('an unknown product → ResourceNotFoundException; another seller’s → AccessDeniedException', async () => {
      await expect(
        catalog.send(
          new StartChangeSetCommand({
            Catalog: 'AWSMarketplace',
            ChangeSet: [create({ ProductId: 'prod-nope' })],
          }),
        ),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(
        catalog.send(
          new StartChangeSetCommand({
            Catalog: 'AWSMarketplace',
            ChangeSet: [create({ ProductId: 'prod-othervendor001' })],
          }),
        ),
      ).rejects.toBeInstanceOf(AccessDeniedException);
      const other = h.clients(OTHER_ISV).catalog;
      const id = await activeAuthorization(catalog);
      await expect(
        other.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: id })),
      ).rejects.toBeInstanceOf(AccessDeniedException);
      await expect(
        catalog.send(new DescribeChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId: 'nope' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });
  });

  describe('change-set lifecycle', () => {
    it('goes PREPARING → APPLYING → SUCCEEDED with the configured delay; EndTime only when terminal', async () => {
      await h.scenario('PUT', '/_sim/config', { changeSetDelayMs: 600 });
      const { ChangeSetId } = await catalog.send(
        new StartChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSet: [create()] }),
      );
      const first = await catalog.send(
        new DescribeChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId }),
      );
      expect(first.Status).toBe('PREPARING');
      expect(first.EndTime).toBeUndefined();
      // Every status it reports, polled until it ends: the three in order, no other, none skipped.
      const seen = [first.Status];
      const done = await waitFor(
        async () => {
          const now = await catalog.send(
            new DescribeChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId }),
          );
          if (now.Status !== seen[seen.length - 1]) seen.push(now.Status);
          if (now.Status === 'APPLYING') expect(now.EndTime).toBeUndefined();
          return now.Status === 'SUCCEEDED' ? now : undefined;
        },
        { intervalMs: 20, what: 'the change set to succeed' },
      );
      expect(seen).toEqual(['PREPARING', 'APPLYING', 'SUCCEEDED']);
      expect(done.EndTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    });

    it('cancels only before APPLYING', async () => {
      await h.scenario('PUT', '/_sim/config', { changeSetDelayMs: 1000 });
      const { ChangeSetId } = await catalog.send(
        new StartChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSet: [create()] }),
      );
      await catalog.send(new CancelChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId }));
      expect(
        (await catalog.send(new DescribeChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId }))).Status,
      ).toBe('CANCELLED');
      const late = await catalog.send(
        new StartChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSet: [create()] }),
      );
      await waitFor(
        async () =>
          (
            await catalog.send(
              new DescribeChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId: late.ChangeSetId }),
            )
          ).Status === 'APPLYING',
        { intervalMs: 20, what: 'the change set to be applying' },
      );
      await expect(
        catalog.send(
          new CancelChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId: late.ChangeSetId }),
        ),
      ).rejects.toBeInstanceOf(ResourceInUseException);
    });

    it('locks the entities of a running change set (ResourceInUseException, 423)', async () => {
      const id = await activeAuthorization(catalog);
      await h.scenario('PUT', '/_sim/config', { changeSetDelayMs: 1000 });
      await catalog.send(
        new StartChangeSetCommand({
          Catalog: 'AWSMarketplace',
          ChangeSet: [update('RestrictResaleAuthorization', {}, id)],
        }),
      );
      const error = await catalog
        .send(
          new StartChangeSetCommand({
            Catalog: 'AWSMarketplace',
            ChangeSet: [update('RestrictResaleAuthorization', {}, id)],
          }),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceInUseException);
      expect((error as ResourceInUseException).$metadata.httpStatusCode).toBe(423);
    });

    it('is idempotent by ClientRequestToken: a retry returns the same change set and creates one authorization', async () => {
      const name = `Idempotent ${Date.now()}`;
      const input = {
        Catalog: 'AWSMarketplace',
        ChangeSet: [create({ Name: name }), release(), contractPricing(), standardEula()],
        ClientRequestToken: `opportunity-${name}`.replace(/ /g, '-'),
      };
      const first = await catalog.send(new StartChangeSetCommand(input));
      const second = await catalog.send(new StartChangeSetCommand(input));
      expect(second.ChangeSetId).toBe(first.ChangeSetId);
      await waitFor(
        async () =>
          (
            await catalog.send(
              new DescribeChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSetId: first.ChangeSetId }),
            )
          ).Status === 'SUCCEEDED',
        { what: 'the change set to succeed' },
      );
      const all = (await h.scenario<{ name: string }[]>('GET', '/_sim/resale-authorizations')).body;
      expect(all.filter((ra) => ra.name === name)).toHaveLength(1);
      await expect(
        catalog.send(new StartChangeSetCommand({ ...input, ChangeSet: [create({ Name: 'Other' })] })),
      ).rejects.toBeInstanceOf(ValidationException);
    });

    it('lists change sets and entities with filters', async () => {
      const id = await activeAuthorization(catalog, [], { Name: 'Listed One' });
      const sets = await catalog.send(
        new ListChangeSetsCommand({
          Catalog: 'AWSMarketplace',
          FilterList: [{ Name: 'EntityId', ValueList: [id] }],
        }),
      );
      expect(sets.ChangeSetSummaryList).toHaveLength(1);
      expect(sets.ChangeSetSummaryList![0]).toMatchObject({ Status: 'SUCCEEDED', EntityIdList: [id] });
      const entities = await catalog.send(
        new ListEntitiesCommand({
          Catalog: 'AWSMarketplace',
          EntityType: 'ResaleAuthorization',
          FilterList: [{ Name: 'EntityId', ValueList: [id] }],
        }),
      );
      expect(entities.EntitySummaryList![0]).toMatchObject({
        EntityId: id,
        ResaleAuthorizationSummary: {
          Name: 'Listed One',
          ResellerAccountID: PARTNER,
          Status: 'Active',
          OfferExtendedStatus: 'Not Started',
        },
      });
      const shared = await h.clients(PARTNER).catalog.send(
        new ListEntitiesCommand({
          Catalog: 'AWSMarketplace',
          EntityType: 'ResaleAuthorization',
          OwnershipType: 'SHARED',
        }),
      );
      expect(shared.EntitySummaryList!.map((e) => e.EntityId)).toContain(id);
      // Resale-authorization fields are filtered and sorted through EntityTypeFilters / EntityTypeSort;
      // FilterList takes EntityId only.
      const byTypeFilter = await catalog.send(
        new ListEntitiesCommand({
          Catalog: 'AWSMarketplace',
          EntityType: 'ResaleAuthorization',
          EntityTypeFilters: {
            ResaleAuthorizationFilters: {
              Name: { ValueList: ['Listed One'] },
              ResellerAccountID: { ValueList: [PARTNER] },
            },
          },
          EntityTypeSort: { ResaleAuthorizationSort: { SortBy: 'CreatedDate', SortOrder: 'DESCENDING' } },
        }),
      );
      expect(byTypeFilter.EntitySummaryList!.map((e) => e.EntityId)).toEqual([id]);
      await expect(
        catalog.send(
          new ListEntitiesCommand({
            Catalog: 'AWSMarketplace',
            EntityType: 'ResaleAuthorization',
            FilterList: [{ Name: 'ProductId', ValueList: [PRODUCT] }],
          }),
        ),
      ).rejects.toBeInstanceOf(ValidationException);
      const product = await catalog.send(
        new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: PRODUCT }),
      );
      expect(product.EntityType).toBe('SaaSProduct@1.0');
      // As AWS describes a SaaS product: usage dimensions are ExternallyMetered, the code under Description.
      expect((product.DetailsDocument as any).Dimensions).toContainEqual(
        expect.objectContaining({ Key: 'api_calls', Types: ['ExternallyMetered'] }),
      );
      expect((product.DetailsDocument as any).Description.ProductCode).toBe('acmeanalytics0000000000001');
    });

    it('emits Change Set Succeeded / Failed notifications that the contracts parser reads', async () => {
      await h.drain();
      const ok = await runChangeSet(catalog, [create()], { ChangeSetName: 'cppo-hub ok' });
      const failed = await runChangeSet(catalog, [create({ ResellerAccountId: '999999999999' })], {
        ChangeSetName: 'cppo-hub failed',
      });
      const bodies = await h.receive(2);
      const parsed = bodies.map(parseMarketplaceNotification).filter((p) => p.event.kind === 'change-set');
      expect(parsed.map((p) => p.event)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            status: 'SUCCEEDED',
            changeSetId: ok.ChangeSetId,
            changeSetName: 'cppo-hub ok',
          }),
          expect.objectContaining({
            status: 'FAILED',
            changeSetId: failed.ChangeSetId,
            failureCode: 'CLIENT_ERROR',
          }),
        ]),
      );
      expect(parsed[0].account).toBe(ISV);
    });
  });

  describe('fault injection', () => {
    it('throttles and fails the next N calls with typed errors, then recovers', async () => {
      await h.scenario('PUT', '/_sim/faults', {
        rules: [
          { operation: 'StartChangeSet', type: 'throttle', count: 1 },
          { operation: 'DescribeEntity', type: '5xx', count: 1 },
        ],
      });
      await expect(
        catalog.send(new StartChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSet: [create()] })),
      ).rejects.toBeInstanceOf(ThrottlingException);
      await expect(
        catalog.send(new StartChangeSetCommand({ Catalog: 'AWSMarketplace', ChangeSet: [create()] })),
      ).resolves.toHaveProperty('ChangeSetId');
      const error = await catalog
        .send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: PRODUCT }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InternalServiceException);
      expect((error as InternalServiceException).$metadata.httpStatusCode).toBe(500);
    });

    it('fails every k-th call and adds latency', async () => {
      await h.scenario('PUT', '/_sim/faults', {
        rules: [
          { operation: 'DescribeEntity', type: 'throttle', every: 2 },
          { operation: 'DescribeEntity', type: 'latency', latencyMs: 150 },
        ],
      });
      const outcomes: string[] = [];
      const started = Date.now();
      for (let i = 0; i < 4; i++) {
        outcomes.push(
          await catalog
            .send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: PRODUCT }))
            .then(
              () => 'ok',
              (e: Error) => e.name,
            ),
        );
      }
      expect(outcomes).toEqual(['ok', 'ThrottlingException', 'ok', 'ThrottlingException']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect((await h.scenario('GET', '/_sim/calls')).body.DescribeEntity).toBeGreaterThanOrEqual(4);
    });
  });
});
