import { Injectable } from '@nestjs/common';
import type { DescribeChangeSetCommandOutput } from '@aws-sdk/client-marketplace-catalog';
import { OfferStatus, RoutingKeys } from '@cppo/contracts';
import { OpportunityRepository, type MarketplaceError, type Offer } from '@cppo/persistence';
import { OpportunityHistory } from '../opportunities/opportunity.history';

const SERVICE = 'service:opportunity';

/**
 * The change-set state machine of an opportunity: submitted, refused, polled, ended. Each step is one
 * conditional transition of the opportunity, so a late or repeated result (a poll racing a notification,
 * a redelivered message) changes nothing.
 */
@Injectable()
export class ChangeSetTracker {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly history: OpportunityHistory,
  ) {}

  async submitted(offer: Offer, changeSetId: string, pollAfter: Date): Promise<void> {
    await this.opportunities.recordSubmission(offer, changeSetId, pollAfter);
  }

  async restrictSubmitted(offer: Offer, changeSetId: string, pollAfter: Date): Promise<void> {
    await this.opportunities.recordRestrictSubmission(offer, changeSetId, pollAfter);
  }

  /** AWS refused the submission itself (a client error): the opportunity fails with AWS's reason. */
  async refused(offer: Offer, errors: MarketplaceError[]): Promise<void> {
    const failed = { ...offer, status: OfferStatus.FAILED, marketplace: { ...offer.marketplace, errors } };
    const updated = await this.opportunities.failSubmission(offer, errors, [
      this.history.event(RoutingKeys.OpportunityFailed, failed),
    ]);
    if (updated) await this.history.record(updated, SERVICE, 'failed', { errors });
  }

  async restrictRefused(offer: Offer, errors: MarketplaceError[]): Promise<void> {
    await this.opportunities.failRestrictSubmission(offer, errors);
  }

  retryLater(offer: Offer, submitAfter: Date): Promise<unknown> {
    return this.opportunities.scheduleSubmit(offer, submitAfter);
  }

  pollLater(offer: Offer, pollAfter: Date, changeSetStatus?: string): Promise<unknown> {
    return this.opportunities.schedulePoll(offer, pollAfter, changeSetStatus);
  }

  /**
   * Applies a terminal change set (from a notification or a poll) to its opportunity; false when it is not
   * terminal or the opportunity no longer waits for it.
   */
  async ended(offer: Offer, described: DescribeChangeSetCommandOutput, actor: string): Promise<boolean> {
    const status = described.Status;
    const changeSetId = described.ChangeSetId;
    if ((status !== 'SUCCEEDED' && status !== 'FAILED' && status !== 'CANCELLED') || !changeSetId)
      return false;
    const errors = changeSetErrors(described);
    if (offer.marketplace?.restrict?.changeSetId === changeSetId) {
      const restricted = status === 'SUCCEEDED';
      const updated = await this.opportunities.completeRestrict(
        offer,
        { changeSetId, changeSetStatus: status, errors },
        restricted
          ? [
              this.history.event(RoutingKeys.OpportunityRestricted, {
                ...offer,
                status: OfferStatus.RESTRICTED,
              }),
            ]
          : [],
      );
      if (updated)
        await this.history.record(updated, actor, restricted ? 'restricted' : 'restrict-failed', { errors });
      return !!updated;
    }
    const succeeded = status === 'SUCCEEDED';
    const resaleAuthorizationId = succeeded
      ? described.ChangeSet?.find((c) => c.ChangeType === 'CreateResaleAuthorization')?.Entity?.Identifier
      : undefined;
    const next = succeeded ? OfferStatus.ACTIVE : OfferStatus.FAILED;
    const marketplace = { ...offer.marketplace, changeSetStatus: status, resaleAuthorizationId, errors };
    const updated = await this.opportunities.completePublish(
      offer,
      next,
      { changeSetId, changeSetStatus: status, errors, resaleAuthorizationId },
      [
        this.history.event(succeeded ? RoutingKeys.OpportunityPublished : RoutingKeys.OpportunityFailed, {
          ...offer,
          status: next,
          marketplace,
        }),
      ],
    );
    if (updated)
      await this.history.record(updated, actor, succeeded ? 'published' : 'failed', { changeSetId, errors });
    return !!updated;
  }

  /** ACTIVE → EXPIRED (expiry date passed) or RESTRICTED (AWS says so, e.g. restricted in the console). */
  async endActive(
    offer: Offer,
    status: OfferStatus.EXPIRED | OfferStatus.RESTRICTED,
    reason: string,
  ): Promise<void> {
    const key =
      status === OfferStatus.EXPIRED ? RoutingKeys.OpportunityExpired : RoutingKeys.OpportunityRestricted;
    const updated = await this.opportunities.endActive(offer, status, [
      this.history.event(key, { ...offer, status }),
    ]);
    if (updated) await this.history.record(updated, SERVICE, status.toLowerCase(), { reason });
  }
}

/** Each change's AWS error codes, or the change set's failure code when no change carries one. */
export function changeSetErrors(described: DescribeChangeSetCommandOutput): MarketplaceError[] {
  const errors = (described.ChangeSet ?? []).flatMap((change) =>
    (change.ErrorDetailList ?? []).map((e) => ({
      code: e.ErrorCode ?? 'UNKNOWN',
      message: e.ErrorMessage ?? '',
      changeName: change.ChangeType,
    })),
  );
  if (!errors.length && described.Status === 'FAILED') {
    errors.push({
      code: described.FailureCode ?? 'FAILED',
      message: described.FailureDescription ?? 'the change set failed',
      changeName: undefined,
    });
  }
  if (described.Status === 'CANCELLED')
    errors.push({ code: 'CANCELLED', message: 'the change set was cancelled', changeName: undefined });
  return errors;
}
