import { awsRecordKey, awsRecordOf, type OverageRecord } from './usage-records';

describe(awsRecordOf.name, () => {
  const hour = new Date('2026-12-03T10:00:00Z');

  it('sends a licence record with the buyer account, and a product-code record with the customer id', () => {
    const licence: OverageRecord = {
      id: 'r1',
      customer: { path: 'LicenseArn', licenseArn: 'arn:l', customerAwsAccountId: '111122223333' },
      dimension: 'api',
      hour,
      quantity: 7,
    };
    expect(awsRecordOf(licence)).toEqual({
      Timestamp: hour,
      Dimension: 'api',
      Quantity: 7,
      CustomerAWSAccountId: '111122223333',
      LicenseArn: 'arn:l',
    });
    expect(
      awsRecordOf({
        ...licence,
        customer: { path: 'ProductCode', productCode: 'p', customerIdentifier: 'c1' },
      }),
    ).toEqual({ Timestamp: hour, Dimension: 'api', Quantity: 7, CustomerIdentifier: 'c1' });
  });

  it('recognises a record in AWS’s answer whatever form its timestamp comes back in', () => {
    const sent = awsRecordOf({
      id: 'r1',
      customer: { path: 'LicenseArn', licenseArn: 'arn:l', customerAwsAccountId: '111122223333' },
      dimension: 'api',
      hour,
      quantity: 7,
    });
    const echoed = { ...sent, Timestamp: new Date(hour.toISOString()) };
    expect(awsRecordKey(echoed)).toBe(awsRecordKey(sent));
    expect(awsRecordKey({ ...sent, Dimension: 'other' })).not.toBe(awsRecordKey(sent));
  });
});
