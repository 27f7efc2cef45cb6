import {
  BatchMeterUsageCommand,
  InvalidUsageDimensionException,
  ResolveCustomerCommand,
  ThrottlingException,
  TimestampOutOfBoundsException,
  type UsageRecord,
} from '@aws-sdk/client-marketplace-metering';
import {
  activeAuthorization,
  BUYER,
  PARTNER,
  PRODUCT_CODE,
  startHarness,
  type Harness,
} from './testing/harness';

describe('marketplace-sim Metering API (real @aws-sdk/client-marketplace-metering)', () => {
  let h: Harness;
  let metering: ReturnType<Harness['clients']>['metering'];
  let agreement: { id: string; licenseArn: string; customerIdentifier: string; registrationToken: string };
  const hour = (hoursAgo: number) =>
    new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - hoursAgo * 3_600_000 + 60_000);

  beforeAll(async () => {
    h = await startHarness();
    const clients = h.clients();
    metering = clients.metering;
    const raId = await activeAuthorization(clients.catalog);
    const offer = (
      await h.scenario('POST', '/_sim/partner/offers', {
        resaleAuthorizationId: raId,
        partnerAccountId: PARTNER,
        buyerAccountIds: [BUYER],
      })
    ).body;
    agreement = (await h.scenario('POST', '/_sim/buyer/accept', { offerId: offer.id, buyerAccountId: BUYER }))
      .body;
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

  it('answers CustomerNotSubscribed for a customer without an agreement', async () => {
    const result = await metering.send(
      new BatchMeterUsageCommand({
        UsageRecords: [record({ CustomerAWSAccountId: '666677778888', Timestamp: hour(4) })],
      }),
    );
    expect(result.Results![0].Status).toBe('CustomerNotSubscribed');
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
});
