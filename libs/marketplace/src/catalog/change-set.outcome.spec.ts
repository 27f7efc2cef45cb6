import { changeSetOutcomeOf } from './change-set.outcome';

describe(changeSetOutcomeOf.name, () => {
  it('names the resale authorization a succeeded publish created', () => {
    const sut = changeSetOutcomeOf('cs-1', {
      $metadata: {},
      ChangeSetId: 'cs-1',
      Status: 'SUCCEEDED',
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
    const perChange = changeSetOutcomeOf('cs-2', {
      $metadata: {},
      Status: 'FAILED',
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
    const whole = changeSetOutcomeOf('cs-3', {
      $metadata: {},
      Status: 'FAILED',
      FailureCode: 'SERVER_FAULT',
    });
    expect(whole.errors).toEqual([
      { code: 'SERVER_FAULT', message: 'the change set failed', changeName: undefined },
    ]);
  });

  it('is not terminal while AWS is still working, and says CANCELLED when cancelled', () => {
    expect(changeSetOutcomeOf('cs-4', { $metadata: {}, Status: 'APPLYING' }).terminal).toBe(false);
    expect(changeSetOutcomeOf('cs-5', { $metadata: {}, Status: 'CANCELLED' })).toMatchObject({
      terminal: true,
      errors: [{ code: 'CANCELLED' }],
    });
  });
});
