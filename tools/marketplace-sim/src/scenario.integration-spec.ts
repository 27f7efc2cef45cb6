import {
  AccessDeniedException,
  DescribeAgreementCommand,
  GetAgreementTermsCommand,
  ResourceNotFoundException,
  SearchAgreementsCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-marketplace-agreement';
import {
  DescribeEntityCommand,
  AccessDeniedException as CatalogAccessDenied,
} from '@aws-sdk/client-marketplace-catalog';
import {
  GetEntitlementsCommand,
  InvalidParameterException,
} from '@aws-sdk/client-marketplace-entitlement-service';
import { parseMarketplaceNotification, type ParsedNotification } from '@cppo/contracts';
import {
  acceptedAgreement,
  activeAuthorization,
  BUYER,
  daysFromNow,
  ISV,
  PARTNER,
  PRODUCT,
  PRODUCT_CODE,
  startHarness,
  update,
  type Harness,
} from './testing/harness';

const BUYER_TWO = '555566667777';

describe('marketplace-sim scenario API, Agreement and Entitlement APIs', () => {
  let h: Harness;
  let clients: ReturnType<Harness['clients']>;

  beforeAll(async () => {
    h = await startHarness();
    clients = h.clients();
  });

  afterAll(() => h.close());

  beforeEach(() => h.drain());

  async function notifications(count: number): Promise<ParsedNotification[]> {
    return (await h.receive(count)).map(parseMarketplaceNotification);
  }

  async function offerFrom(raId: string, body: Record<string, unknown> = {}) {
    const response = await h.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: raId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [BUYER],
      ...body,
    });
    expect(response.status).toBe(200);
    return response.body as { id: string };
  }

  it('partner releases a CPPO offer → Offer Released to the ISV, OfferCreatedCount follows', async () => {
    const raId = await activeAuthorization(clients.catalog);
    await h.drain();
    const offer = await offerFrom(raId, { name: 'Acme for Buyer One' });
    const [released] = await notifications(1);
    expect(released).toMatchObject({ envelope: 'eventbridge', account: ISV, detailType: 'Offer Released' });
    expect(released.event).toEqual({
      kind: 'offer-released',
      channel: 'CPPO',
      awsOfferId: offer.id,
      name: 'Acme for Buyer One',
      expirationDate: undefined,
      productId: PRODUCT,
      productTitle: 'Acme Analytics',
      manufacturerAccountId: ISV,
      sellerOfRecordAccountId: PARTNER,
      buyerAccountIds: [BUYER],
    });
    const details = (
      await clients.catalog.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: raId }))
    ).DetailsDocument as any;
    expect(details.OfferDetails).toEqual({ OfferExtendedStatus: 'Completed-Usable', OfferCreatedCount: 1 });
  });

  it('enforces the authorization: active, targeted partner, not expired, single use, buyers within its buyers', async () => {
    const draft = (
      await h.scenario('POST', '/_sim/partner/offers', {
        resaleAuthorizationId: 'resaleauthz-nope',
        partnerAccountId: PARTNER,
        buyerAccountIds: [BUYER],
      })
    ).status;
    expect(draft).toBe(404);
    const raId = await activeAuthorization(clients.catalog, [
      update('UpdateBuyerTargetingTerms', {
        Terms: [{ Type: 'BuyerTargetingTerm', PositiveTargeting: { BuyerAccounts: [BUYER] } }],
      }),
      update('UpdateAvailability', { AvailabilityEndDate: daysFromNow(30), OffersMaxQuantity: 1 }),
    ]);
    const wrongPartner = await h.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: raId,
      partnerAccountId: '777788889999',
      buyerAccountIds: [BUYER],
    });
    expect(wrongPartner).toMatchObject({
      status: 403,
      body: { message: expect.stringContaining('not targeted to 777788889999') },
    });
    const outsider = await h.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: raId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [BUYER_TWO],
    });
    expect(outsider).toMatchObject({
      status: 409,
      body: { message: expect.stringContaining('INCOMPATIBLE_RESALE_AUTHORIZATION') },
    });
    await offerFrom(raId);
    const again = await h.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: raId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [BUYER],
    });
    expect(again).toMatchObject({
      status: 409,
      body: { message: expect.stringContaining('single use and already used') },
    });
    const details = (
      await clients.catalog.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: raId }))
    ).DetailsDocument as any;
    expect(details.OfferDetails.OfferExtendedStatus).toBe('Completed-Used');
  });

  it('buyer accepts → Purchase Agreement Created and License Updated (Manufacturer), readable through the APIs', async () => {
    const raId = await activeAuthorization(clients.catalog);
    const offer = await offerFrom(raId);
    await h.drain();
    const accepted = (
      await h.scenario('POST', '/_sim/buyer/accept', { offerId: offer.id, buyerAccountId: BUYER })
    ).body;
    const events = await notifications(2);
    const created = events.find((e) => e.event.kind === 'agreement')!;
    const license = events.find((e) => e.event.kind === 'license')!;
    expect(created.detailType).toBe('Purchase Agreement Created - Manufacturer');
    expect(created.event).toMatchObject({
      action: 'created',
      role: 'Manufacturer',
      agreementId: accepted.id,
      intent: 'NEW',
      status: 'ACTIVE',
      resaleAuthorizationId: raId,
      awsOfferId: offer.id,
      acceptorAccountId: BUYER,
      proposerAccountId: PARTNER,
      productId: undefined,
    });
    expect(license.event).toMatchObject({
      action: 'updated',
      agreementId: accepted.id,
      licenseArn: accepted.licenseArn,
      productCode: PRODUCT_CODE,
    });

    // The Agreement API answers the parties: the partner (proposer) reads it, the ISV (manufacturer) may not.
    await expect(
      clients.agreement.send(new DescribeAgreementCommand({ agreementId: accepted.id })),
    ).rejects.toBeInstanceOf(AccessDeniedException);
    const partner = h.clients(PARTNER).agreement;
    const described = await partner.send(new DescribeAgreementCommand({ agreementId: accepted.id }));
    expect(described).toMatchObject({
      agreementId: accepted.id,
      acceptor: { accountId: BUYER },
      proposer: { accountId: PARTNER },
      status: 'ACTIVE',
      agreementType: 'PurchaseAgreement',
      proposalSummary: { offerId: offer.id, resources: [{ id: PRODUCT, type: 'SaaSProduct' }] },
      estimatedCharges: { currencyCode: 'USD', agreementValue: '1200.00' },
    });
    expect(described.startTime).toBeInstanceOf(Date);
    const terms = await partner.send(new GetAgreementTermsCommand({ agreementId: accepted.id }));
    expect(terms.acceptedTerms).toContainEqual({
      usageBasedPricingTerm: expect.objectContaining({
        currencyCode: 'USD',
        rateCards: [
          {
            rateCard: [
              { dimensionKey: 'api_calls', price: '0.002' },
              { dimensionKey: 'storage_gb', price: '0.10' },
            ],
          },
        ],
      }),
    });
    expect(terms.acceptedTerms).toContainEqual({
      legalTerm: expect.objectContaining({ documents: [{ type: 'StandardEula', version: '2022-07-14' }] }),
    });

    const search = (...filters: { name: string; values: string[] }[]) =>
      h.clients(PARTNER).agreement.send(
        new SearchAgreementsCommand({
          catalog: 'AWSMarketplace',
          filters: [
            { name: 'PartyType', values: ['Proposer'] },
            { name: 'AgreementType', values: ['PurchaseAgreement'] },
            ...filters,
          ],
        }),
      );
    const ids = async (...filters: { name: string; values: string[] }[]) =>
      (await search(...filters)).agreementViewSummaries!.map((a) => a.agreementId);
    expect(await ids({ name: 'OfferId', values: [offer.id] })).toEqual([accepted.id]);
    expect(await ids({ name: 'LicenseArn', values: [accepted.licenseArn] })).toEqual([accepted.id]);
    expect(await ids({ name: 'InitialAgreementId', values: [accepted.id] })).toEqual([accepted.id]);
    // Date filters are ISO-8601 strings (not epoch seconds); AgreementType is required.
    expect(await ids({ name: 'AfterStartTime', values: ['2099-01-01T00:00:00Z'] })).toEqual([]);
    expect(await ids({ name: 'BeforeStartTime', values: ['2099-01-01T00:00:00Z'] })).toContain(accepted.id);
    await expect(search({ name: 'AfterEndTime', values: ['1700000000'] })).rejects.toBeInstanceOf(
      ValidationException,
    );
    await expect(
      h.clients(PARTNER).agreement.send(
        new SearchAgreementsCommand({
          catalog: 'AWSMarketplace',
          filters: [{ name: 'PartyType', values: ['Proposer'] }],
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);

    const entitlements = await clients.entitlement.send(
      new GetEntitlementsCommand({
        ProductCode: PRODUCT_CODE,
        Filter: { CUSTOMER_AWS_ACCOUNT_ID: [BUYER], LICENSE_ARN: [accepted.licenseArn] },
      }),
    );
    expect(entitlements.Entitlements).toEqual([
      expect.objectContaining({
        ProductCode: PRODUCT_CODE,
        Dimension: 'users',
        CustomerAWSAccountId: BUYER,
        Value: { IntegerValue: 10 },
        LicenseArn: accepted.licenseArn,
      }),
    ]);
  });

  it('throttles the Agreement API with HTTP 429, and sends licence events with the agreement in resources', async () => {
    await h.scenario('PUT', '/_sim/faults', {
      rules: [{ operation: 'DescribeAgreement', type: 'throttle', count: 1 }],
    });
    const throttled = await clients.agreement
      .send(new DescribeAgreementCommand({ agreementId: 'agmt-whatever' }))
      .catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect((throttled as ThrottlingException).$metadata.httpStatusCode).toBe(429);
    await h.scenario('DELETE', '/_sim/faults');

    const raId = await activeAuthorization(clients.catalog);
    const accepted = (await h.scenario('POST', '/_sim/buyer/accept', { offerId: (await offerFrom(raId)).id }))
      .body;
    const events = (
      await h.scenario<{ detailType: string; body: { resources: string[] } }[]>('GET', '/_sim/events')
    ).body;
    const licence = events.filter((e) => e.detailType === 'License Updated - Manufacturer').pop()!;
    expect(licence.body.resources).toEqual([`arn:aws:aws-marketplace::aws:agreement:${accepted.id}`]);
    // The licence ARN as delivered: the same ARN ResolveCustomer and BatchMeterUsage speak of.
    expect((licence.body as unknown as { detail: { license: { arn: string } } }).detail.license.arn).toBe(
      accepted.licenseArn,
    );
  });

  it("an agreement carries the accepted offer's terms: the partner's markup, term ids, a validity term", async () => {
    const accepted = await acceptedAgreement(h, { markupPercentage: '10' });
    const { acceptedTerms } = await h
      .clients(PARTNER)
      .agreement.send(new GetAgreementTermsCommand({ agreementId: accepted.id }));
    const usage = acceptedTerms!.find((t) => t.usageBasedPricingTerm)!.usageBasedPricingTerm!;
    expect(usage.rateCards![0].rateCard).toEqual([
      { dimensionKey: 'api_calls', price: '0.0022' },
      { dimensionKey: 'storage_gb', price: '0.11' },
    ]);
    expect(acceptedTerms!.every((t) => Object.values(t).some((term) => (term as { id?: string })?.id))).toBe(
      true,
    );
    expect(acceptedTerms!.find((t) => t.validityTerm)!.validityTerm).toMatchObject({
      type: 'ValidityTerm',
      agreementDuration: 'P12M',
    });
  });

  it('answers the Agreement and Entitlement APIs’ typed errors', async () => {
    await expect(
      clients.agreement.send(new DescribeAgreementCommand({ agreementId: 'agmt-doesnotexist' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const invalid = await clients.agreement
      .send(new DescribeAgreementCommand({ agreementId: 'not an id' }))
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationException);
    expect((invalid as ValidationException).reason).toBe('INVALID_AGREEMENT_ID');
    await expect(
      clients.agreement.send(
        new SearchAgreementsCommand({
          catalog: 'AWSMarketplace',
          filters: [{ name: 'OfferId', values: ['offer-1'] }],
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(
      clients.entitlement.send(new GetEntitlementsCommand({ ProductCode: 'not-mine' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);

    const raId = await activeAuthorization(clients.catalog);
    const offer = await offerFrom(raId);
    const accepted = (await h.scenario('POST', '/_sim/buyer/accept', { offerId: offer.id })).body;
    // Refused to the ISV of a CPPO by default (AWS answers proposer and acceptor); the switch allows it.
    await expect(
      clients.agreement.send(new DescribeAgreementCommand({ agreementId: accepted.id })),
    ).rejects.toBeInstanceOf(AccessDeniedException);
    await h.scenario('PUT', '/_sim/config', { manufacturerCanReadAgreements: true });
    try {
      await expect(
        clients.agreement.send(new DescribeAgreementCommand({ agreementId: accepted.id })),
      ).resolves.toMatchObject({ agreementId: accepted.id });
    } finally {
      await h.scenario('PUT', '/_sim/config', { manufacturerCanReadAgreements: false });
    }
    // Whether an ISV may describe a partner's CPPO offer is unverified: denied by default, switchable.
    await expect(
      clients.catalog.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: offer.id })),
    ).rejects.toBeInstanceOf(CatalogAccessDenied);
    await h.scenario('PUT', '/_sim/config', { manufacturerCanDescribePartnerOffers: true });
    const described = await clients.catalog.send(
      new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: offer.id }),
    );
    expect(described.DetailsDocument).toMatchObject({ ResaleAuthorizationId: raId, State: 'Released' });
    await h.scenario('PUT', '/_sim/config', { manufacturerCanDescribePartnerOffers: false });
  });

  it('amends, renews (intent RENEW with previousAgreementId), cancels, deprovisions', async () => {
    const raId = await activeAuthorization(clients.catalog);
    const offer = await offerFrom(raId);
    const first = (await h.scenario('POST', '/_sim/buyer/accept', { offerId: offer.id })).body;
    await h.drain();

    await h.scenario('POST', `/_sim/agreements/${first.id}/amend`, {
      grants: [{ dimensionKey: 'users', quantity: 20 }],
    });
    const amended = await notifications(2);
    expect(amended.map((e) => e.detailType).sort()).toEqual([
      'License Updated - Manufacturer',
      'Purchase Agreement Amended - Manufacturer',
    ]);
    expect(amended.find((e) => e.event.kind === 'agreement')!.event).toMatchObject({
      intent: 'AMEND',
      agreementId: first.id,
    });

    const renewOffer = await offerFrom(raId);
    const renewed = (
      await h.scenario('POST', `/_sim/agreements/${first.id}/renew`, { offerId: renewOffer.id })
    ).body;
    const renewalNotices = await notifications(3);
    const renewal = renewalNotices.find((e) => e.event.kind === 'agreement' && e.event.action === 'created')!;
    expect(renewal.event).toMatchObject({
      action: 'created',
      intent: 'RENEW',
      agreementId: renewed.id,
      previousAgreementId: first.id,
    });
    // AWS also ends the renewed agreement with Purchase Agreement Ended (status RENEWED).
    expect(
      renewalNotices.find((e) => e.detailType === 'Purchase Agreement Ended - Manufacturer')!.event,
    ).toMatchObject({
      action: 'ended',
      agreementId: first.id,
      status: 'RENEWED',
    });
    expect((await h.scenario('GET', `/_sim/agreements/${first.id}`)).body.status).toBe('RENEWED');

    await h.scenario('POST', `/_sim/agreements/${renewed.id}/cancel`, {});
    const [ended] = await notifications(1);
    expect(ended.detailType).toBe('Purchase Agreement Ended - Manufacturer');
    expect(ended.event).toMatchObject({
      action: 'ended',
      status: 'CANCELLED',
      agreementId: renewed.id,
      resaleAuthorizationId: raId,
    });

    await h.scenario('POST', `/_sim/agreements/${renewed.id}/deprovision`, {});
    const [deprovisioned] = await notifications(1);
    expect(deprovisioned.event).toMatchObject({
      kind: 'license',
      action: 'deprovisioned',
      agreementId: renewed.id,
    });
    expect((await h.scenario('POST', `/_sim/agreements/${renewed.id}/cancel`, {})).status).toBe(409);
  });

  it("releases the ISV's own direct private offer: Offer Released with the ISV as seller of record", async () => {
    await h.drain();
    const direct = (
      await h.scenario('POST', '/_sim/seller/offers', { productId: PRODUCT, buyerAccountIds: [BUYER] })
    ).body;
    const [released] = await notifications(1);
    expect(released.event).toMatchObject({
      kind: 'offer-released',
      channel: 'DIRECT',
      awsOfferId: direct.id,
      sellerOfRecordAccountId: ISV,
    });
    const accepted = (await h.scenario('POST', '/_sim/buyer/accept', { offerId: direct.id })).body;
    const created = (await notifications(2)).find((e) => e.event.kind === 'agreement')!;
    expect(created.event).toMatchObject({ agreementId: accepted.id, proposerAccountId: ISV });
    expect((created.event as { resaleAuthorizationId?: string }).resaleAuthorizationId).toBeUndefined();
  });

  it('delivers duplicates, delays, and held events out of order', async () => {
    const raId = await activeAuthorization(clients.catalog);
    await h.drain();
    const offer = await offerFrom(raId, { delivery: { duplicate: 2 } });
    const copies = await notifications(3);
    expect(new Set(copies.map((c) => c.eventId)).size).toBe(1);
    expect(copies.every((c) => c.event.kind === 'offer-released' && c.event.awsOfferId === offer.id)).toBe(
      true,
    );

    // The buyer's acceptance arrives before the partner's Offer Released.
    const heldOffer = await offerFrom(raId, { delivery: { hold: true } });
    await h.scenario('POST', '/_sim/buyer/accept', { offerId: heldOffer.id, delivery: { hold: true } });
    expect((await h.scenario('POST', '/_sim/events/release')).body).toMatchObject({ released: 3 });
    const order = (await notifications(3)).map((e) => e.detailType);
    expect(order).toEqual([
      'License Updated - Manufacturer',
      'Purchase Agreement Created - Manufacturer',
      'Offer Released',
    ]);

    // Shuffled: every copy of every held event, each sent once, in the order the answer gives.
    const shuffledOffer = await offerFrom(raId, { delivery: { hold: true, duplicate: 1 } });
    await h.scenario('POST', '/_sim/buyer/accept', {
      offerId: shuffledOffer.id,
      delivery: { hold: true, duplicate: 1 },
    });
    const shuffled = (await h.scenario('POST', '/_sim/events/release', { order: 'shuffled' })).body;
    expect(shuffled.released).toBe(3);
    expect(shuffled.sent).toHaveLength(6);
    const seqs = [...new Set<number>(shuffled.sent)];
    const delivered = (await notifications(6)).map((e) => e.eventId);
    // Copies of one event share its id; the queue's order is the order the simulator sent them in.
    const idOf = new Map(seqs.map((seq) => [seq, delivered[shuffled.sent.indexOf(seq)]]));
    expect(delivered).toEqual(shuffled.sent.map((seq: number) => idOf.get(seq)));
    expect(new Set(delivered).size).toBe(3);
    expect((await h.scenario('POST', '/_sim/events/release', { order: 'sideways' })).status).toBe(400);

    const started = Date.now();
    await h.scenario('POST', '/_sim/partner/offers', {
      resaleAuthorizationId: raId,
      partnerAccountId: PARTNER,
      buyerAccountIds: [BUYER],
      delivery: { delayMs: 500 },
    });
    await notifications(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('emits legacy SNS notifications, enveloped and raw', async () => {
    await h.scenario('POST', '/_sim/notifications/sns', {
      action: 'subscribe-success',
      customerIdentifier: 'cust-1',
      productCode: PRODUCT_CODE,
      isFreeTrialTermPresent: true,
    });
    await h.scenario('POST', '/_sim/notifications/sns', {
      action: 'entitlement-updated',
      customerIdentifier: 'cust-1',
      productCode: PRODUCT_CODE,
      raw: true,
    });
    const [enveloped, raw] = await notifications(2);
    expect(enveloped).toMatchObject({
      envelope: 'sns',
      event: {
        kind: 'saas-subscription',
        action: 'subscribe-success',
        productCode: PRODUCT_CODE,
        isFreeTrialTermPresent: true,
      },
    });
    expect(raw).toMatchObject({
      envelope: 'sns-raw',
      event: { action: 'entitlement-updated', customerIdentifier: 'cust-1' },
    });
  });

  it('resets its state between tests', async () => {
    await activeAuthorization(clients.catalog);
    expect((await h.scenario('GET', '/_sim/resale-authorizations')).body.length).toBeGreaterThan(0);
    await h.scenario('POST', '/_sim/reset');
    expect((await h.scenario('GET', '/_sim/resale-authorizations')).body).toEqual([]);
    expect((await h.scenario('GET', '/_sim/config')).body.sqsQueueUrl).toBe(h.queueUrl);
    await h.scenario('PUT', '/_sim/config', { changeSetDelayMs: 100 });
    expect((await h.scenario('PUT', '/_sim/config', { bogus: 1 })).status).toBe(400);
  });
});
