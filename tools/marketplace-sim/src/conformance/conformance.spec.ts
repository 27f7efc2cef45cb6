import { awsModelsDir } from '@cppo/testing';
import { ModelConformance } from './conformance';

// AWS's own models judge: each planted fault below must be found, and the correct exchange must pass.
describe("model conformance (AWS's botocore service models)", () => {
  const conformance = ModelConformance.load(awsModelsDir());
  const record = {
    Timestamp: 1_796_290_000,
    Dimension: 'api_calls',
    Quantity: 12,
    CustomerAWSAccountId: '111122223333',
    LicenseArn: 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0123456789abcdef',
  };
  const problems = (input: Record<string, unknown>) =>
    conformance.request('metering', 'BatchMeterUsage', input).map((v) => `${v.path}: ${v.problem}`);

  beforeEach(() => conformance.clear());

  it('a correct BatchMeterUsage request passes', () => {
    expect(problems({ UsageRecords: [record] })).toEqual([]);
  });

  it.each([
    ['a quantity as text', { Quantity: '12' }, /UsageRecords\[0\]\.Quantity: Value "12" must be an integer/],
    [
      'a quantity above 2^31-1',
      { Quantity: 2 ** 31 },
      /Quantity: Member must have value less than or equal to 2147483647/,
    ],
    ['a negative quantity', { Quantity: -1 }, /Quantity: Member must have value greater than or equal to 0/],
    ['a timestamp as ISO text', { Timestamp: '2026-12-03T10:00:00Z' }, /Timestamp: .* must be a timestamp/],
    ['an account id with letters', { CustomerAWSAccountId: 'abc' }, /CustomerAWSAccountId: .*pattern/],
    ['a member AWS does not have', { Color: 'red' }, /Color: UsageRecord has no member Color/],
    ['no dimension', { Dimension: undefined }, /Dimension: Member must not be null/],
  ])('planted: %s → found', (_what, change, expected) => {
    expect(problems({ UsageRecords: [{ ...record, ...change }] })).toEqual([expect.stringMatching(expected)]);
  });

  it('26 records in one call → found (the list holds 0-25)', () => {
    expect(problems({ UsageRecords: Array.from({ length: 26 }, () => record) })).toEqual([
      expect.stringMatching(/UsageRecords: Member must have length less than or equal to 25/),
    ]);
  });

  it("an answer with a wrong field, a union with two members, an error the operation cannot give: each is recorded as the simulator's", () => {
    conformance.response('agreement', 'GetAgreementTerms', {
      acceptedTerms: [{ supportTerm: { type: 'SupportTerm' }, renewalTerm: { type: 'RenewalTerm' } }],
    });
    conformance.response('metering', 'ResolveCustomer', { ProductCode: 'p', CustomerAWSAccountId: 12 });
    conformance.error('metering', 'ResolveCustomer', 'InvalidLicenseException');
    const found = conformance
      .report()
      .responseViolations.map((v) => `${v.operation} ${v.path}: ${v.problem}`);
    expect(found).toEqual([
      expect.stringMatching(
        /GetAgreementTerms acceptedTerms\[0\]: AcceptedTerm is a union: exactly one member/,
      ),
      expect.stringMatching(/ResolveCustomer CustomerAWSAccountId: Value 12 must be a string/),
      expect.stringMatching(
        /ResolveCustomer \(error\): ResolveCustomer cannot answer InvalidLicenseException/,
      ),
    ]);
    expect(conformance.report().checked['metering.ResolveCustomer']).toEqual({
      requests: 0,
      responses: 1,
      errors: 1,
    });
  });
});
