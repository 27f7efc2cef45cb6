import {
  BatchMeterUsageCommand,
  ExpiredTokenException,
  InvalidTokenException,
  InvalidLicenseException,
  InvalidUsageDimensionException,
  ResolveCustomerCommand,
  ThrottlingException,
  TimestampOutOfBoundsException,
  type UsageRecord,
} from '@aws-sdk/client-marketplace-metering';
import {
  acceptedAgreement,
  BUYER,
  create,
  OTHER_ISV,
  PARTNER,
  PRODUCT_CODE,
  release,
  runChangeSet,
  standardEula,
  startHarness,
  usagePricing,
  type Harness,
} from './testing/harness';

describe('marketplace-sim Metering API (real @aws-sdk/client-marketplace-metering)', () => {
  let h: Harness;
  let metering: ReturnType<Harness['clients']>['metering'];
  let agreement: { id: string; licenseArn: string; customerIdentifier: string; registrationToken: string };
  const hour = (hoursAgo: number) =>
    new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - hoursAgo * 3_600_000 + 60_000);
  /** An agreement start time that many hours ago, in whole seconds as AWS writes them. */
  const startedAt = (hoursAgo: number) =>
    hour(hoursAgo)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  /** The start of that hour, as the simulator stores it. */
  const hourStart = (hoursAgo: number) => new Date(hour(hoursAgo).getTime() - 60_000).toISOString();

  beforeAll(async () => {
    h = await startHarness();
    const clients = h.clients();
    metering = clients.metering;
    // Started a day and a half ago, so the past hours metered below fall inside the licence's activation.
    agreement = await acceptedAgreement(h, {}, { startTime: startedAt(36) });
  });

  afterAll(() => h.close());

  const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
    Timestamp: hour(1),
    Dimension: 'api_calls',
    Quantity: 120,
    CustomerAWSAccountId: BUYER,
    LicenseArn: agreement.licenseArn,
    ...overrides,
  });

  async function accepted(): Promise<any[]> {
    return (await h.scenario('GET', '/_sim/metering-records')).body;
  }

  it('accepts records by CustomerAWSAccountId + LicenseArn and reads them back', async () => {
    const result = await metering.send(
      new BatchMeterUsageCommand({ UsageRecords: [record({ Timestamp: hour(2) })] }),
    );
    expect(result.Results).toHaveLength(1);
    expect(result.Results![0]).toMatchObject({ Status: 'Success', MeteringRecordId: expect.any(String) });
    expect(result.UnprocessedRecords).toEqual([]);
    expect(await accepted()).toContainEqual(
      expect.objectContaining({
        meteringRecordId: result.Results![0].MeteringRecordId,
        path: 'LicenseArn',
        dimension: 'api_calls',
        quantity: 120,
        customer: BUYER,
      }),
    );
  });

  it('is idempotent for identical records and answers DuplicateRecord for another quantity in the same hour', async () => {
    const first = await metering.send(
      new BatchMeterUsageCommand({ UsageRecords: [record({ Timestamp: hour(3), Quantity: 7 })] }),
    );
    const retry = await metering.send(
      new BatchMeterUsageCommand({ UsageRecords: [record({ Timestamp: hour(3), Quantity: 7 })] }),
    );
    expect(retry.Results![0]).toMatchObject({
      Status: 'Success',
      MeteringRecordId: first.Results![0].MeteringRecordId,
    });
    const changed = await metering.send(
      new BatchMeterUsageCommand({ UsageRecords: [record({ Timestamp: hour(3), Quantity: 8 })] }),
    );
    expect(changed.Results![0].Status).toBe('DuplicateRecord');
    const stored = (await accepted()).filter(
      (r) => r.hour === new Date(Math.floor(hour(3).getTime() / 3_600_000) * 3_600_000).toISOString(),
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].quantity).toBe(7);
  });

  it("refuses another customer's licence with InvalidLicenseException", async () => {
    await expect(
      metering.send(
        new BatchMeterUsageCommand({
          UsageRecords: [record({ CustomerAWSAccountId: '666677778888', Timestamp: hour(4) })],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidLicenseException',
      message: expect.stringMatching(/does not belong/),
    });
  });

  it('rejects the whole call when one timestamp is outside the window', async () => {
    const before = (await accepted()).length;
    const error = await metering
      .send(
        new BatchMeterUsageCommand({
          UsageRecords: [record({ Timestamp: hour(5) }), record({ Timestamp: hour(25) })],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimestampOutOfBoundsException);
    expect((await accepted()).length).toBe(before);
  });

  it('honours a configured window (the API reference still says 6 hours)', async () => {
    await h.scenario('PUT', '/_sim/config', { meteringWindowHours: 6 });
    try {
      await expect(
        metering.send(new BatchMeterUsageCommand({ UsageRecords: [record({ Timestamp: hour(7) })] })),
      ).rejects.toBeInstanceOf(TimestampOutOfBoundsException);
    } finally {
      await h.scenario('PUT', '/_sim/config', { meteringWindowHours: 24 });
    }
  });

  it('supports the legacy ProductCode + CustomerIdentifier path, and flags mixing both paths as double billing', async () => {
    const legacy = await metering.send(
      new BatchMeterUsageCommand({
        ProductCode: PRODUCT_CODE,
        UsageRecords: [
          {
            Timestamp: hour(6),
            Dimension: 'storage_gb',
            Quantity: 3,
            CustomerIdentifier: agreement.customerIdentifier,
          },
        ],
      }),
    );
    expect(legacy.Results![0].Status).toBe('Success');
    await metering.send(
      new BatchMeterUsageCommand({
        UsageRecords: [record({ Timestamp: hour(6), Dimension: 'storage_gb', Quantity: 3 })],
      }),
    );
    const both = (await accepted()).filter((r) => r.dimension === 'storage_gb');
    expect(both.map((r) => r.path).sort()).toEqual(['LicenseArn', 'ProductCode']);
    expect(both.every((r) => r.doubleBilling === true)).toBe(true);
  });

  it('rejects an unknown dimension, more than 25 records, and resolves registration tokens', async () => {
    await expect(
      metering.send(new BatchMeterUsageCommand({ UsageRecords: [record({ Dimension: 'users' })] })),
    ).rejects.toBeInstanceOf(InvalidUsageDimensionException);
    const tooMany = Array.from({ length: 26 }, () => record());
    await expect(metering.send(new BatchMeterUsageCommand({ UsageRecords: tooMany }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const resolved = await metering.send(
      new ResolveCustomerCommand({ RegistrationToken: agreement.registrationToken }),
    );
    expect(resolved).toMatchObject({
      CustomerAWSAccountId: BUYER,
      LicenseArn: agreement.licenseArn,
      ProductCode: PRODUCT_CODE,
    });
  });

  /** Another agreement of the same buyer on the same product: another licence. */
  const anotherLicence = async (startTime?: string): Promise<string> =>
    (await acceptedAgreement(h, {}, { startTime })).licenseArn;

  it('two licences of one buyer in one hour are two records', async () => {
    const second = await anotherLicence(startedAt(30));
    const result = await metering.send(
      new BatchMeterUsageCommand({
        UsageRecords: [
          record({ Timestamp: hour(9), Dimension: 'storage_gb', Quantity: 3 }),
          record({ Timestamp: hour(9), Dimension: 'storage_gb', Quantity: 4, LicenseArn: second }),
        ],
      }),
    );
    expect(result.Results!.map((r) => r.Status)).toEqual(['Success', 'Success']);
    expect(result.Results![0].MeteringRecordId).not.toBe(result.Results![1].MeteringRecordId);
    const stored = (await accepted()).filter((r) => r.dimension === 'storage_gb' && r.hour === hourStart(9));
    expect(stored.map((r) => [r.licenseArn, r.quantity]).sort()).toEqual(
      [
        [agreement.licenseArn, 3],
        [second, 4],
      ].sort(),
    );
  });

  it('an unknown licence, or usage before the licence started, fails the whole call with InvalidLicenseException', async () => {
    const before = (await accepted()).length;
    const unknown = 'arn:aws:license-manager::111122223333:license:l-00000000000000000000000000000000';
    const startedNow = await anotherLicence();
    for (const bad of [
      record({ LicenseArn: unknown }),
      record({ LicenseArn: startedNow, Timestamp: hour(3) }),
    ]) {
      await expect(
        metering.send(new BatchMeterUsageCommand({ UsageRecords: [record({ Timestamp: hour(10) }), bad] })),
      ).rejects.toBeInstanceOf(InvalidLicenseException);
    }
    expect((await accepted()).length).toBe(before);
  });

  it('returns records as UnprocessedRecords on demand; sent again, they are recorded', async () => {
    await h.scenario('PUT', '/_sim/faults', {
      rules: [{ operation: 'BatchMeterUsage', type: 'unprocessed', count: 1 }],
    });
    const batch = [11, 12, 13, 14].map((ago) => record({ Timestamp: hour(ago), Quantity: ago }));
    const first = await metering.send(new BatchMeterUsageCommand({ UsageRecords: batch }));
    expect(first.Results!.map((r) => r.UsageRecord!.Quantity)).toEqual([11, 12]);
    expect(first.UnprocessedRecords!.map((r) => r.Quantity)).toEqual([13, 14]);
    const hours = new Set((await accepted()).map((r) => `${r.hour}|${r.quantity}`));
    expect(hours.has(`${hourStart(13)}|13`)).toBe(false);
    const again = await metering.send(new BatchMeterUsageCommand({ UsageRecords: first.UnprocessedRecords }));
    expect(again.Results!.map((r) => r.Status)).toEqual(['Success', 'Success']);
    expect(again.UnprocessedRecords).toEqual([]);
  });

  it("refuses the previous month's usage from 06:00 UTC on the 1st", async () => {
    const real = new Date();
    const nextMonth = Date.UTC(real.getUTCFullYear(), real.getUTCMonth() + 1, 1);
    const lastHourOfMonth = record({
      Timestamp: new Date(nextMonth - 3_600_000 + 60_000),
      Dimension: 'storage_gb',
    });
    try {
      await h.scenario('PUT', '/_sim/config', { now: new Date(nextMonth + 7 * 3_600_000).toISOString() });
      await expect(
        metering.send(new BatchMeterUsageCommand({ UsageRecords: [lastHourOfMonth] })),
      ).rejects.toMatchObject({
        name: 'TimestampOutOfBoundsException',
        message: expect.stringMatching(/previous month/),
      });
      await h.scenario('PUT', '/_sim/config', { now: new Date(nextMonth + 5 * 3_600_000).toISOString() });
      const result = await metering.send(new BatchMeterUsageCommand({ UsageRecords: [lastHourOfMonth] }));
      expect(result.Results![0].Status).toBe('Success');
    } finally {
      await h.scenario('PUT', '/_sim/config', { now: null });
    }
  });

  it('accepts usage for one hour after the agreement ends, then not', async () => {
    await h.scenario('POST', `/_sim/agreements/${agreement.id}/cancel`, {});
    const within = await metering.send(
      new BatchMeterUsageCommand({
        UsageRecords: [record({ Timestamp: new Date(), Dimension: 'api_calls', Quantity: 1 })],
      }),
    );
    expect(within.Results![0].Status).toBe('Success');
    await h.scenario('POST', `/_sim/agreements/${agreement.id}/deprovision`, {});
    const after = await metering.send(
      new BatchMeterUsageCommand({ UsageRecords: [record({ Timestamp: hour(8), Quantity: 1 })] }),
    );
    expect(after.Results![0].Status).toBe('CustomerNotSubscribed');
  });

  it('throttles on demand', async () => {
    await h.scenario('PUT', '/_sim/faults', {
      rules: [{ operation: 'BatchMeterUsage', type: 'throttle', count: 1 }],
    });
    await expect(metering.send(new BatchMeterUsageCommand({ UsageRecords: [] }))).rejects.toBeInstanceOf(
      ThrottlingException,
    );
    await expect(metering.send(new BatchMeterUsageCommand({ UsageRecords: [] }))).resolves.toMatchObject({
      Results: [],
    });
  });

  // ---------------------------------------------------------------- AWS's rules the services must meet

  /** A deal on the ISV's second metered product (Acme Seats, dimension seat_hours), started 30 hours ago. */
  async function seatsLicence(): Promise<string> {
    const result = await runChangeSet(h.clients().catalog, [
      create({ ProductId: 'prod-acmeseats00002', Name: 'Seats via Partner X' }),
      release(),
      usagePricing({ seat_hours: '0.01' }),
      standardEula(),
    ]);
    const raId = result.ChangeSet![0].Entity!.Identifier!;
    const offer = (
      await h.scenario('POST', '/_sim/partner/offers', {
        resaleAuthorizationId: raId,
        partnerAccountId: PARTNER,
        buyerAccountIds: [BUYER],
      })
    ).body;
    return (await h.scenario('POST', '/_sim/buyer/accept', { offerId: offer.id, startTime: startedAt(30) }))
      .body.licenseArn;
  }

  it('one product per call: ProductCode with LicenseArn records, or licences of two products, are refused', async () => {
    const seats = await seatsLicence();
    const before = (await accepted()).length;
    const withCode = metering.send(
      new BatchMeterUsageCommand({
        ProductCode: PRODUCT_CODE,
        UsageRecords: [record({ Timestamp: hour(20) })],
      }),
    );
    await expect(withCode).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(
        /ProductCode must not be sent with usage records identified by LicenseArn/,
      ),
    });
    const mixed = metering.send(
      new BatchMeterUsageCommand({
        UsageRecords: [
          record({ Timestamp: hour(20) }),
          record({ Timestamp: hour(20), Dimension: 'seat_hours', LicenseArn: seats }),
        ],
      }),
    );
    await expect(mixed).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/one product/),
    });
    expect((await accepted()).length).toBe(before);
    const alone = await metering.send(
      new BatchMeterUsageCommand({
        UsageRecords: [record({ Timestamp: hour(20), Dimension: 'seat_hours', LicenseArn: seats })],
      }),
    );
    expect(alone.Results![0].Status).toBe('Success');
  });

  it.each([2 ** 31, -1])("Quantity %d is refused, as AWS's model types it (0..2^31-1)", async (quantity) => {
    await expect(
      metering.send(
        new BatchMeterUsageCommand({ UsageRecords: [record({ Timestamp: hour(21), Quantity: quantity })] }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/Quantity|quantity/),
    });
  });

  it('usage after a licence ended and its final hour → InvalidLicenseException', async () => {
    const ended = await acceptedAgreement(h, {}, { startTime: startedAt(30) });
    await h.scenario('POST', `/_sim/agreements/${ended.id}/cancel`, {});
    const inTwoHours = new Date(Date.now() + 2 * 3_600_000);
    try {
      await h.scenario('PUT', '/_sim/config', { now: new Date(Date.now() + 2.5 * 3_600_000).toISOString() });
      await expect(
        metering.send(
          new BatchMeterUsageCommand({
            UsageRecords: [record({ Timestamp: inTwoHours, LicenseArn: ended.licenseArn })],
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidLicenseException', message: expect.stringMatching(/ended/) });
    } finally {
      await h.scenario('PUT', '/_sim/config', { now: null });
    }
  });

  it("ResolveCustomer answers only the product's seller, and an old token is ExpiredTokenException", async () => {
    const fresh = await acceptedAgreement(h);
    const token = { RegistrationToken: fresh.registrationToken };
    await expect(
      h.clients(OTHER_ISV).metering.send(new ResolveCustomerCommand(token)),
    ).rejects.toBeInstanceOf(InvalidTokenException);
    try {
      await h.scenario('PUT', '/_sim/config', { now: new Date(Date.now() + 25 * 3_600_000).toISOString() });
      await expect(metering.send(new ResolveCustomerCommand(token))).rejects.toBeInstanceOf(
        ExpiredTokenException,
      );
    } finally {
      await h.scenario('PUT', '/_sim/config', { now: null });
    }
    await expect(metering.send(new ResolveCustomerCommand(token))).resolves.toMatchObject({
      LicenseArn: fresh.licenseArn,
    });
  });

  it("a permission fault: AccessDeniedException until the caller's policy allows the operation", async () => {
    const fresh = await acceptedAgreement(h, {}, { startTime: startedAt(30) });
    const usage = () => [record({ Timestamp: hour(22), LicenseArn: fresh.licenseArn })];
    await h.scenario('PUT', '/_sim/faults', {
      rules: [{ operation: 'BatchMeterUsage', type: 'accessDenied' }],
    });
    const denied = metering.send(new BatchMeterUsageCommand({ UsageRecords: usage() }));
    // Not in the Metering model's error list: a common error of every AWS API (the SDK names it).
    await expect(denied).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringMatching(/aws-marketplace:BatchMeterUsage/),
    });
    await h.scenario('DELETE', '/_sim/faults');
    const allowed = await metering.send(new BatchMeterUsageCommand({ UsageRecords: usage() }));
    expect(allowed.Results![0].Status).toBe('Success');
  });
});
