import { parseMarketplaceNotification } from './notification.parser';
import { NotificationParseError } from './notification.types';
import * as fixtures from '../testing/notifications';

describe(parseMarketplaceNotification.name, () => {
  const sut = (value: unknown) =>
    parseMarketplaceNotification(typeof value === 'string' ? value : JSON.stringify(value));

  it('parses Offer Released from a partner into a CPPO offer event', () => {
    const parsed = sut(fixtures.offerReleased);
    expect(parsed).toMatchObject({
      envelope: 'eventbridge',
      eventId: fixtures.offerReleased.id,
      account: fixtures.FIXTURE_ISV_ACCOUNT,
      detailType: 'Offer Released',
    });
    expect(parsed.event).toEqual({
      kind: 'offer-released',
      channel: 'CPPO',
      awsOfferId: 'offer-1234567890123',
      name: 'Offer Name',
      expirationDate: '2025-08-26T00:00:00Z',
      productId: 'bbbbaaaa-abcd-1111-abcd-666666666666',
      productTitle: 'Product Title',
      manufacturerAccountId: fixtures.FIXTURE_ISV_ACCOUNT,
      sellerOfRecordAccountId: fixtures.FIXTURE_PARTNER_ACCOUNT,
      buyerAccountIds: ['999988887777', '111122223333'],
    });
  });

  it("tells the ISV's own direct private offer (seller of record = the manufacturer) from a partner's CPPO", () => {
    const direct = {
      ...fixtures.offerReleased,
      detail: {
        ...fixtures.offerReleased.detail,
        sellerOfRecord: { accountId: fixtures.FIXTURE_ISV_ACCOUNT, name: 'Manufacturer Account Name' },
      },
    };
    expect(sut(direct).event).toMatchObject({ kind: 'offer-released', channel: 'DIRECT' });
    // Without a manufacturer block, the receiving account is the manufacturer.
    const { manufacturer: _m, ...withoutManufacturer } = direct.detail;
    expect(sut({ ...direct, detail: withoutManufacturer }).event).toMatchObject({ channel: 'DIRECT' });
  });

  it("reads SNS's subscription confirmation (not a Marketplace message) instead of refusing it", () => {
    const parsed = sut({
      Type: 'SubscriptionConfirmation',
      MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      Token: '2336412f37fb687f5d51e6e2425e',
      TopicArn:
        'arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-n0123EXAMPLEXXXXXXXXXXXX',
      Message: 'You have chosen to subscribe to the topic …',
      SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37',
      Timestamp: '2024-06-26T21:36:03.000Z',
    });
    expect(parsed).toMatchObject({
      eventId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      detailType: 'SubscriptionConfirmation',
    });
    expect(parsed.event).toEqual({
      kind: 'sns-control',
      type: 'SubscriptionConfirmation',
      topicArn:
        'arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-n0123EXAMPLEXXXXXXXXXXXX',
      subscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37',
      productCode: 'n0123EXAMPLEXXXXXXXXXXXX',
    });
  });

  it.each([
    [
      'Agreement Cancellation Request Pending Approval - Manufacturer',
      'cancellation-request',
      'Pending Approval',
    ],
    ['Agreement Cancellation Request Approved - Proposer', 'cancellation-request', 'Approved'],
    ['Purchase Agreement Billing Adjustment Completed - Manufacturer', 'billing-adjustment', 'Completed'],
    ['Purchase Agreement Advisory Issued - Manufacturer', 'advisory-issued', undefined],
    ['Purchase Agreement Advisory Resolved - Manufacturer', 'advisory-resolved', undefined],
    ['Purchase Agreement Ending - Proposer', 'ending', undefined],
  ])('reads %s as an agreement notice (%s), not an unknown event', (detailType, notice, stage) => {
    const event = {
      ...fixtures.agreementCreatedManufacturer,
      'detail-type': detailType,
      detail: {
        ...fixtures.agreementCreatedManufacturer.detail,
        agreement: { id: 'agmt-notice0000000000000001', daysBeforeEndTime: 30 },
        product: { id: 'prod-abc' },
      },
    };
    expect(sut(event).event).toEqual({
      kind: 'agreement-notice',
      notice,
      stage,
      agreementId: 'agmt-notice0000000000000001',
      awsOfferId: 'offer-1234567890123',
      productId: 'prod-abc',
      acceptorAccountId: '845735284135',
      proposerAccountId: '123456512334',
      daysBeforeEndTime: 30,
    });
  });

  it('reads OfferSet Released', () => {
    const event = {
      ...fixtures.offerReleased,
      'detail-type': 'OfferSet Released',
      detail: { offerSet: { id: 'offerset-abc123', name: 'Bundle', offerIds: ['offer-1', '2'] } },
    };
    expect(sut(event).event).toEqual({
      kind: 'offer-set-released',
      offerSetId: 'offerset-abc123',
      name: 'Bundle',
      awsOfferIds: ['offer-1', 'offer-2'],
    });
  });

  it('carries offer ids with their offer- prefix even when a licence event omits it', () => {
    const licence = JSON.parse(JSON.stringify(fixtures.licenseUpdatedManufacturer));
    licence.detail.offer = { id: '1234567890123' };
    expect(sut(licence).event).toMatchObject({ kind: 'license', awsOfferId: 'offer-1234567890123' });
  });

  it('parses Purchase Agreement Created - Manufacturer without a product', () => {
    expect(sut(fixtures.agreementCreatedManufacturer).event).toEqual({
      kind: 'agreement',
      action: 'created',
      role: 'Manufacturer',
      agreementId: 'agmt-4mwg1nevbokzw95eca5797ixs',
      intent: 'NEW',
      status: 'ACTIVE',
      acceptanceTime: '2024-06-26T21:36:03Z',
      startTime: '2024-08-30T21:36:03Z',
      endTime: '2025-05-30T21:36:03Z',
      previousAgreementId: undefined,
      autoRenewalEnabled: undefined,
      resaleAuthorizationId: 'resaleauthz-yaxjqxiskysxa',
      awsOfferId: 'offer-1234567890123',
      acceptorAccountId: '845735284135',
      proposerAccountId: '123456512334',
      productId: undefined,
    });
  });

  it('keeps previousAgreementId of a renewal', () => {
    expect(sut(fixtures.agreementRenewedManufacturer).event).toMatchObject({
      intent: 'RENEW',
      previousAgreementId: 'agmt-4mwg1nevbokzw95eca5797ixs',
    });
  });

  it('reads a Proposer event with a null resale authorization and a string boolean', () => {
    expect(sut(fixtures.agreementAmendedProposer).event).toMatchObject({
      action: 'amended',
      role: 'Proposer',
      resaleAuthorizationId: undefined,
      autoRenewalEnabled: true,
      productId: 'prod-abc123',
    });
  });

  it('parses the minimal Ended event', () => {
    expect(sut(fixtures.agreementEndedManufacturer).event).toMatchObject({
      action: 'ended',
      status: 'CANCELLED',
      agreementId: 'agmt-4mwg1nevbokzw95eca5797ixs',
    });
  });

  it('adds the missing arn: prefix to licence ARNs', () => {
    expect(sut(fixtures.licenseUpdatedManufacturer).event).toMatchObject({
      kind: 'license',
      action: 'updated',
      licenseArn: 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0123456789abcdef',
      productCode: 'prodcode1234567890abcdef',
    });
    expect(sut(fixtures.licenseDeprovisionedManufacturer).event).toMatchObject({ action: 'deprovisioned' });
  });

  it.each([
    [fixtures.changeSetSucceeded, 'SUCCEEDED', undefined],
    [fixtures.changeSetFailed, 'FAILED', 'CLIENT_ERROR'],
    [fixtures.changeSetCancelled, 'CANCELLED', undefined],
  ])('reads PascalCase change-set detail (%#)', (fixture, status, failureCode) => {
    expect(sut(fixture).event).toEqual({
      kind: 'change-set',
      status,
      changeSetId: '76yesvf8y165pa4f98n2rsb5j',
      changeSetName: 'cppo-hub opportunity 65f0c0ffee',
      failureCode,
      startTime: '2024-08-30T21:30:00Z',
      endTime: '2024-08-30T21:36:03Z',
    });
  });

  it('unwraps the SNS envelope and keys it by MessageId', () => {
    const parsed = sut(fixtures.snsSubscribeSuccess);
    expect(parsed).toMatchObject({ envelope: 'sns', eventId: fixtures.snsSubscribeSuccess.MessageId });
    expect(parsed.account).toBeUndefined();
    expect(parsed.event).toEqual({
      kind: 'saas-subscription',
      action: 'subscribe-success',
      customerIdentifier: 'X01EXAMPLEX',
      productCode: 'n0123EXAMPLEXXXXXXXXXXXX',
      offerIdentifier: 'offer-abcexample123',
      isFreeTrialTermPresent: true,
    });
    expect(sut(fixtures.snsEntitlementUpdated).event).toMatchObject({ action: 'entitlement-updated' });
  });

  it('keys a raw SNS message by a hash of its body, the same for a redelivery', () => {
    const first = sut(fixtures.saasSubscribeSuccess);
    expect(first.envelope).toBe('sns-raw');
    expect(first.eventId).toBe(sut(fixtures.saasSubscribeSuccess).eventId);
    expect(first.eventId).not.toBe(
      sut({ ...fixtures.saasSubscribeSuccess, action: 'unsubscribe-pending' }).eventId,
    );
  });

  it('tolerates unknown extra fields', () => {
    const withExtras = {
      ...fixtures.offerReleased,
      extra: 1,
      detail: { ...fixtures.offerReleased.detail, more: 'x' },
    };
    expect(sut(withExtras).event.kind).toBe('offer-released');
  });

  it.each(fixtures.invalidNotifications.map((f) => [f.name, f] as const))(
    'rejects %s with a reason',
    (_, fixture) => {
      let error: unknown;
      try {
        parseMarketplaceNotification(fixture.body);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NotificationParseError);
      expect((error as NotificationParseError).code).toBe(fixture.code);
      expect((error as NotificationParseError).reason.length).toBeGreaterThan(5);
    },
  );

  it('names the bad field in the reason', () => {
    expect(() => sut({ ...fixtures.offerReleased, account: '1' })).toThrow(/account/);
  });
});
