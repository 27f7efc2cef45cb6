import { OfferStatus, OfferType, RoutingKeys } from '@cppo/contracts';
import { notificationFixtures as fx } from '@cppo/contracts/testing';
import {
  CppoOfferRepository,
  MarketplaceEventRecord,
  MarketplaceEventRepository,
  Offer,
  OrgRepository,
} from '@cppo/persistence';
import {
  countStored,
  createTestOrg,
  randomAccountId,
  seedOffer,
  startTestApp,
  type TestApp,
} from '@cppo/platform/testing';
import { waitFor } from '@cppo/testing';
import { AppModule } from '../app.module';
import { drained, startIngestHarness, type IngestHarness } from './testing/ingest-harness';

const ISV = fx.FIXTURE_ISV_ACCOUNT;

describe('offer-ingest (SQS emulator, RabbitMQ, Mongo provider)', () => {
  let h: IngestHarness;
  let sut: TestApp;
  let org: { orgId: string; apiKey: string };

  beforeAll(async () => {
    h = await startIngestHarness();
    sut = await startTestApp(AppModule, h.env());
    org = await createTestOrg(sut.app, ISV);
    // SNS notifications map to an org by product code.
    await sut.app.get(OrgRepository).addProductCodes(org.orgId, ['n0123EXAMPLEXXXXXXXXXXXX']);
  });

  afterAll(async () => {
    await sut.close();
    await h.close();
  });

  const stored = () => sut.app.get(MarketplaceEventRepository);
  /** Nothing left to process or publish, and everything published has been recorded. */
  const settled = async () => {
    await drained(h);
    const pending = async () =>
      (await countStored(sut.app, MarketplaceEventRecord.name, { outboxPending: true })) +
      (await countStored(sut.app, Offer.name, { outboxPending: true }));
    await waitFor(async () => (await pending()) === 0, { what: 'every outbox emptied' });
    await h.barrier();
  };
  const byType = (type: string) => h.published.filter((m) => m.type === type);

  it('turns every documented notification shape into the right normalized event', async () => {
    const bodies = Object.values(fx.validNotifications).map((n) => JSON.stringify(n));
    await h.send(bodies);
    await drained(h);
    await waitFor(() => h.published.length >= 11 || undefined, { what: '11 published events' });
    await settled();
    expect(h.published).toHaveLength(11); // 1 offer, 5 agreement, 2 licence, 3 change-set events; SNS ones are not forwarded

    expect(byType(RoutingKeys.OfferReleased)).toHaveLength(1);
    expect(byType(RoutingKeys.OfferReleased)[0]).toMatchObject({
      orgId: org.orgId,
      causationId: fx.offerReleased.id,
      payload: {
        awsOfferId: 'offer-1234567890123',
        partnerAccountId: fx.FIXTURE_PARTNER_ACCOUNT,
        productId: 'bbbbaaaa-abcd-1111-abcd-666666666666',
        buyerAccountIds: ['999988887777', '111122223333'],
      },
    });
    expect(byType(RoutingKeys.AgreementCreated).map((m) => m.payload)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          agreementId: 'agmt-4mwg1nevbokzw95eca5797ixs',
          intent: 'NEW',
          resaleAuthorizationId: 'resaleauthz-yaxjqxiskysxa',
          awsOfferId: 'offer-1234567890123',
          acceptorAccountId: '845735284135',
        }),
        expect.objectContaining({ intent: 'RENEW', previousAgreementId: 'agmt-4mwg1nevbokzw95eca5797ixs' }),
      ]),
    );
    expect(byType(RoutingKeys.AgreementAmended)).toHaveLength(2);
    expect(byType(RoutingKeys.AgreementEnded)[0].payload).toMatchObject({ status: 'CANCELLED' });
    expect(byType(RoutingKeys.LicenseUpdated)[0].payload).toMatchObject({
      licenseArn: 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0123456789abcdef',
      productCode: 'prodcode1234567890abcdef',
    });
    expect(byType(RoutingKeys.LicenseDeprovisioned)).toHaveLength(1);
    expect(byType(RoutingKeys.ChangeSetSucceeded)[0].payload).toMatchObject({
      changeSetId: '76yesvf8y165pa4f98n2rsb5j',
      status: 'SUCCEEDED',
    });
    expect(byType(RoutingKeys.ChangeSetFailed)[0].payload).toMatchObject({ failureCode: 'CLIENT_ERROR' });
    expect(byType(RoutingKeys.ChangeSetCancelled)).toHaveLength(1);

    // SNS notifications are stored (mapped by product code) and not forwarded.
    expect(await stored().findById(fx.snsSubscribeSuccess.MessageId)).toMatchObject({
      state: 'PROCESSED',
      orgId: org.orgId,
      detailType: 'subscribe-success',
    });
    const offer = await sut.app.get(CppoOfferRepository).findByAwsOfferId(org.orgId, 'offer-1234567890123');
    expect(offer).toMatchObject({
      type: OfferType.CPPO,
      status: OfferStatus.RELEASED,
      resellerAccountId: fx.FIXTURE_PARTNER_ACCOUNT,
    });
  });

  it('quarantines malformed notifications with a reason, acknowledges them, and shows each to whom it belongs', async () => {
    await h.send(fx.invalidNotifications.map((f) => f.body));
    await drained(h);
    const operator = await createTestOrg(sut.app, randomAccountId(), { role: 'operator' });
    const stranger = await createTestOrg(sut.app, randomAccountId());
    const list = async (apiKey: string) => {
      const response = await sut.request('/v1/ingest/quarantine?limit=200', { apiKey });
      expect(response.status).toBe(200);
      return response.body.items as { id: string; raw: string; reason: string; account?: string }[];
    };
    const ours = await list(org.apiKey);
    const unowned = await list(operator.apiKey);
    const raws = [...ours, ...unowned].map((i) => i.raw);
    for (const fixture of fx.invalidNotifications) expect(raws).toContain(fixture.body);
    expect(fx.invalidNotifications.length).toBeGreaterThanOrEqual(10);
    for (const item of [...ours, ...unowned]) expect(item.reason.length).toBeGreaterThan(5);
    const unknownType = ours.find((i) => i.raw.includes('Offer Exploded'));
    expect(unknownType?.reason).toMatch(
      /no handler for source "aws.marketplacecatalog" detail-type "Offer Exploded"/,
    );
    // The org's own: its account read even where SNS escaped the quotes, and its SNS product code.
    const bodyOf = (name: string) => fx.invalidNotifications.find((f) => f.name === name)?.body;
    for (const name of [
      'SNS envelope carrying a truncated EventBridge event',
      'SNS message with unknown action',
      'detail nested 10,000 levels deep',
    ])
      expect(ours.map((i) => i.raw)).toContain(bodyOf(name));
    // Nobody's (no account, no product code): the operator's only.
    for (const name of ['not JSON', 'empty object', 'JSON array']) {
      expect(unowned.map((i) => i.raw)).toContain(bodyOf(name));
      expect(ours.map((i) => i.raw)).not.toContain(bodyOf(name));
    }
    expect(unowned.map((i) => i.raw)).not.toContain(
      bodyOf('SNS envelope carrying a truncated EventBridge event'),
    );
    // Another org sees none of it and cannot replay it.
    expect(await list(stranger.apiKey)).toEqual([]);
    const theirs = ours.find((i) => i.raw === bodyOf('SNS envelope carrying a truncated EventBridge event'));
    const replay = await sut.request(`/v1/ingest/quarantine/${theirs?.id}/replay`, {
      method: 'POST',
      apiKey: stranger.apiKey,
    });
    expect(replay.status).toBe(404);
    const nobodys = unowned.find((i) => i.raw === bodyOf('empty object'));
    const memberReplay = await sut.request(`/v1/ingest/quarantine/${nobodys?.id}/replay`, {
      method: 'POST',
      apiKey: org.apiKey,
    });
    expect(memberReplay.status).toBe(404);
    const operatorReplay = await sut.request(`/v1/ingest/quarantine/${nobodys?.id}/replay`, {
      method: 'POST',
      apiKey: operator.apiKey,
    });
    expect(operatorReplay).toMatchObject({ status: 200, body: { state: 'QUARANTINED', replayCount: 1 } });
  });

  it('quarantines an unknown account, and a replay after the org exists processes it', async () => {
    const stranger = '222233334444';
    const body = JSON.stringify({
      ...fx.agreementCreatedManufacturer,
      id: 'evt-unknown-account-1',
      account: stranger,
    });
    await h.send([body]);
    await drained(h);
    const record = await stored().findById('evt-unknown-account-1');
    expect(record).toMatchObject({
      state: 'QUARANTINED',
      account: stranger,
      reason: expect.stringContaining(`no org owns account ${stranger}`),
    });

    const owner = await createTestOrg(sut.app, stranger);
    expect(
      (await sut.request('/v1/ingest/quarantine', { apiKey: org.apiKey })).body.items.map(
        (i: { id: string }) => i.id,
      ),
    ).not.toContain('evt-unknown-account-1');
    const replayed = await sut.request('/v1/ingest/quarantine/evt-unknown-account-1/replay', {
      method: 'POST',
      apiKey: owner.apiKey,
    });
    expect(replayed).toMatchObject({ status: 200, body: { state: 'PROCESSED', replayCount: 1 } });
    await waitFor(
      () =>
        h.published.some((m) => m.causationId === 'evt-unknown-account-1' && m.orgId === owner.orgId) ||
        undefined,
    );
    expect(
      (
        await sut.request('/v1/ingest/quarantine/evt-unknown-account-1/replay', {
          method: 'POST',
          apiKey: owner.apiKey,
        })
      ).status,
    ).toBe(404);
  });

  it('delivered 3 times: one stored event, one CPPO offer, one published message', async () => {
    const body = JSON.stringify({
      ...fx.offerReleased,
      id: 'evt-triple-1',
      detail: {
        ...fx.offerReleased.detail,
        offer: { ...fx.offerReleased.detail.offer, id: 'offer-triple0000001' },
      },
    });
    await h.send([body, body, body]);
    await drained(h);
    await waitFor(() => h.published.some((m) => m.causationId === 'evt-triple-1') || undefined);
    await settled();
    expect(h.published.filter((m) => m.causationId === 'evt-triple-1')).toHaveLength(1);
    expect(await countStored(sut.app, MarketplaceEventRecord.name, { _id: 'evt-triple-1' })).toBe(1);
    expect(
      await countStored(sut.app, Offer.name, { orgId: org.orgId, awsOfferId: 'offer-triple0000001' }),
    ).toBe(1);
  });

  it('links a partner offer to the unique matching opportunity and says so', async () => {
    const { _id: opportunityId } = await seedOffer(sut.app, {
      orgId: org.orgId,
      productId: 'prod-linkme',
      resellerAccountId: fx.FIXTURE_PARTNER_ACCOUNT,
      buyerAccountIds: ['999988887777', '111122223333', '555566667777'],
      marketplace: { resaleAuthorizationId: 'resaleauthz-linkme' },
    });
    const body = JSON.stringify({
      ...fx.offerReleased,
      id: 'evt-link-1',
      detail: {
        ...fx.offerReleased.detail,
        offer: { ...fx.offerReleased.detail.offer, id: 'offer-linkme000001' },
        product: { ...fx.offerReleased.detail.product, id: 'prod-linkme' },
      },
    });
    await h.send([body]);
    await waitFor(() =>
      h.published.find((m) => m.type === RoutingKeys.OfferLinked && m.causationId === 'evt-link-1'),
    );
    const linked = h.published.find(
      (m) => m.type === RoutingKeys.OfferLinked && m.causationId === 'evt-link-1',
    )!;
    expect(linked.payload).toMatchObject({
      awsOfferId: 'offer-linkme000001',
      opportunityId,
      resaleAuthorizationId: 'resaleauthz-linkme',
    });
    const released = h.published.find(
      (m) => m.type === RoutingKeys.OfferReleased && m.causationId === 'evt-link-1',
    )!;
    expect(released.payload).toMatchObject({ opportunityId });
    expect(
      await sut.app.get(CppoOfferRepository).findByAwsOfferId(org.orgId, 'offer-linkme000001'),
    ).toMatchObject({ cppoOutOfferId: opportunityId });
  });

  it("keeps the ISV's own direct private offer as a notification, with no CPPO offer and nothing forwarded", async () => {
    const body = JSON.stringify({
      ...fx.offerReleased,
      id: 'evt-direct-offer-1',
      detail: {
        ...fx.offerReleased.detail,
        offer: { ...fx.offerReleased.detail.offer, id: 'offer-direct000001' },
        sellerOfRecord: { accountId: ISV, name: 'Manufacturer Account Name' },
      },
    });
    await h.send([body]);
    await settled();
    expect(await stored().findById('evt-direct-offer-1')).toMatchObject({
      state: 'PROCESSED',
      normalized: expect.objectContaining({ channel: 'DIRECT', awsOfferId: 'offer-direct000001' }),
    });
    expect(
      await sut.app.get(CppoOfferRepository).findByAwsOfferId(org.orgId, 'offer-direct000001'),
    ).toBeNull();
    expect(h.published.filter((m) => m.causationId === 'evt-direct-offer-1')).toEqual([]);
  });

  it('keeps an SNS subscription confirmation for the operator instead of quarantining it', async () => {
    const body = JSON.stringify({
      Type: 'SubscriptionConfirmation',
      MessageId: 'sns-confirm-1',
      TopicArn:
        'arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-n0123EXAMPLEXXXXXXXXXXXX',
      Message: 'You have chosen to subscribe to the topic',
      SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc',
      Timestamp: '2024-06-26T21:36:03.000Z',
    });
    await h.send([body]);
    await settled();
    expect(await stored().findById('sns-confirm-1')).toMatchObject({
      state: 'IGNORED',
      orgId: org.orgId, // the topic's product code is the org's
      reason: expect.stringContaining('SubscribeURL'),
    });
    expect(h.published.filter((m) => m.causationId === 'sns-confirm-1')).toEqual([]);
    // ... and listed for a person to confirm (#25): the org whose topic it is, and not another org
    const listed = await sut.request('/v1/ingest/sns-confirmations', { apiKey: org.apiKey });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual({
      id: 'sns-confirm-1',
      type: 'SubscriptionConfirmation',
      topicArn: expect.stringContaining('aws-mp-subscription-notification-'),
      subscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc',
      productCode: 'n0123EXAMPLEXXXXXXXXXXXX',
      receivedAt: expect.any(String),
    });
    const stranger = await createTestOrg(sut.app, randomAccountId());
    const theirs = await sut.request('/v1/ingest/sns-confirmations', { apiKey: stranger.apiKey });
    expect(theirs.body.items.map((i: { id: string }) => i.id)).not.toContain('sns-confirm-1');
  });

  it('publishes agreement notices (a cancellation request) as cppo.agreement.notice.v1 instead of quarantining them', async () => {
    const body = JSON.stringify({
      ...fx.agreementCreatedManufacturer,
      id: 'evt-cancellation-request-1',
      'detail-type': 'Agreement Cancellation Request Pending Approval - Manufacturer',
      detail: { ...fx.agreementCreatedManufacturer.detail, agreement: { id: 'agmt-cancelrequest000000001' } },
    });
    await h.send([body]);
    await settled();
    expect(await stored().findById('evt-cancellation-request-1')).toMatchObject({ state: 'PROCESSED' });
    expect(h.published.filter((m) => m.causationId === 'evt-cancellation-request-1')).toEqual([
      expect.objectContaining({
        type: RoutingKeys.AgreementNotice,
        payload: expect.objectContaining({
          notice: 'cancellation-request',
          stage: 'Pending Approval',
          agreementId: 'agmt-cancelrequest000000001',
        }),
      }),
    ]);
  });
});
