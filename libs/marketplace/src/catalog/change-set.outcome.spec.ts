import type { DescribeChangeSetCommandOutput } from '@aws-sdk/client-marketplace-catalog';
import { changeSetOutcomeOf } from './change-set.outcome';

/** DescribeChangeSet's answer for change set `id` in `Status`, with more of its members. */
const described = (
  id: string,
  Status: DescribeChangeSetCommandOutput['Status'],
  more: Partial<DescribeChangeSetCommandOutput> = {},
) => changeSetOutcomeOf(id, { $metadata: {}, Status, ...more });

describe(changeSetOutcomeOf.name, () => {
  it('names the resale authorization a succeeded publish created', () => {
    const sut = described('cs-1', 'SUCCEEDED', {
      ChangeSetId: 'cs-1',
      ChangeSet: [
        {
          ChangeType: 'CreateResaleAuthorization',
          Entity: { Type: 'ResaleAuthorization@1.0', Identifier: 'ra-1' },
        },
        {
          ChangeType: 'ReleaseResaleAuthorization',
          Entity: { Type: 'ResaleAuthorization@1.0', Identifier: 'ra-1' },
        },
      ],
    });
    expect(sut).toEqual({
      changeSetId: 'cs-1',
      status: 'SUCCEEDED',
      terminal: true,
      resaleAuthorizationId: 'ra-1',
      errors: [],
    });
  });

  it("keeps each change's errors, or the failure code when no change has one", () => {
    const perChange = described('cs-2', 'FAILED', {
      FailureCode: 'CLIENT_ERROR',
      ChangeSet: [
        {
          ChangeType: 'UpdatePricingTerms',
          ErrorDetailList: [{ ErrorCode: 'INCOMPATIBLE_PRICING_TERM', ErrorMessage: 'no' }],
        },
      ],
    });
    expect(perChange).toMatchObject({
      changeSetId: 'cs-2',
      terminal: true,
      resaleAuthorizationId: undefined,
      errors: [{ code: 'INCOMPATIBLE_PRICING_TERM', message: 'no', changeName: 'UpdatePricingTerms' }],
    });
    const whole = described('cs-3', 'FAILED', { FailureCode: 'SERVER_FAULT' });
    expect(whole.errors).toEqual([
      { code: 'SERVER_FAULT', message: 'the change set failed', changeName: undefined },
    ]);
  });

  it('is not terminal while AWS is still working, and says CANCELLED when cancelled', () => {
    expect(described('cs-4', 'APPLYING').terminal).toBe(false);
    expect(described('cs-5', 'CANCELLED')).toMatchObject({
      terminal: true,
      errors: [{ code: 'CANCELLED' }],
    });
  });
});
