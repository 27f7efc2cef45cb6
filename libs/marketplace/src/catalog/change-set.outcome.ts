import type { DescribeChangeSetCommandOutput } from '@aws-sdk/client-marketplace-catalog';

/** One error AWS gave for a change set: a change's code, or the change set's failure code. */
export interface ChangeSetError {
  code: string;
  message: string;
  /** The change type it belongs to, when AWS names one. */
  changeName?: string;
}

/** A change set as the project follows it (DescribeChangeSet, read). */
export interface ChangeSetOutcome {
  changeSetId: string;
  /** AWS's ChangeStatus: PREPARING, APPLYING, SUCCEEDED, CANCELLED or FAILED. */
  status: string;
  /** SUCCEEDED, FAILED or CANCELLED: nothing more will change. */
  terminal: boolean;
  /** On success, the resale authorization a CreateResaleAuthorization change made. */
  resaleAuthorizationId?: string;
  /** Each change's AWS error codes; the failure code when no change carries one; CANCELLED when cancelled. */
  errors: ChangeSetError[];
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export function changeSetOutcomeOf(
  changeSetId: string,
  described: DescribeChangeSetCommandOutput,
): ChangeSetOutcome {
  const status = described.Status ?? 'UNKNOWN';
  const errors: ChangeSetError[] = (described.ChangeSet ?? []).flatMap((change) =>
    (change.ErrorDetailList ?? []).map((e) => ({
      code: e.ErrorCode ?? 'UNKNOWN',
      message: e.ErrorMessage ?? '',
      changeName: change.ChangeType,
    })),
  );
  if (!errors.length && status === 'FAILED') {
    errors.push({
      code: described.FailureCode ?? 'FAILED',
      message: described.FailureDescription ?? 'the change set failed',
      changeName: undefined,
    });
  }
  if (status === 'CANCELLED')
    errors.push({ code: 'CANCELLED', message: 'the change set was cancelled', changeName: undefined });
  const resaleAuthorizationId =
    status === 'SUCCEEDED'
      ? described.ChangeSet?.find((c) => c.ChangeType === 'CreateResaleAuthorization')?.Entity?.Identifier
      : undefined;
  return {
    changeSetId: described.ChangeSetId ?? changeSetId,
    status,
    terminal: TERMINAL.has(status),
    resaleAuthorizationId,
    errors,
  };
}
