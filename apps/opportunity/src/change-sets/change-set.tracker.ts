import { Injectable } from '@nestjs/common';
import { OfferStatus, RoutingKeys } from '@cppo/contracts';
import type { ChangeSetOutcome } from '@cppo/marketplace';
import { OpportunityRepository, type MarketplaceError, type Offer } from '@cppo/persistence';
import { OpportunityHistory } from '../history/opportunity.history';

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
    await this.opportunities.failSubmission(offer, errors, [
      this.history.event(RoutingKeys.OpportunityFailed, failed, {
        actor: SERVICE,
        action: 'failed',
        data: { errors },
      }),
    ]);
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
  async ended(offer: Offer, outcome: ChangeSetOutcome, actor: string): Promise<boolean> {
    const { status, changeSetId, errors } = outcome;
    if (!outcome.terminal) return false;
    if (offer.marketplace?.restrict?.changeSetId === changeSetId) {
      const restricted = status === 'SUCCEEDED';
      const updated = await this.opportunities.completeRestrict(
        offer,
        { changeSetId, changeSetStatus: status, errors },
        restricted
          ? [
              this.history.event(
                RoutingKeys.OpportunityRestricted,
                { ...offer, status: OfferStatus.RESTRICTED },
                { actor, action: 'restricted', data: { errors } },
              ),
            ]
          : [],
      );
      if (updated && !restricted) await this.history.record(updated, actor, 'restrict-failed', { errors });
      return !!updated;
    }
    const succeeded = status === 'SUCCEEDED';
    const { resaleAuthorizationId } = outcome;
    const next = succeeded ? OfferStatus.ACTIVE : OfferStatus.FAILED;
    const marketplace = { ...offer.marketplace, changeSetStatus: status, resaleAuthorizationId, errors };
    const updated = await this.opportunities.completePublish(
      offer,
      next,
      { changeSetId, changeSetStatus: status, errors, resaleAuthorizationId },
      [
        this.history.event(
          succeeded ? RoutingKeys.OpportunityPublished : RoutingKeys.OpportunityFailed,
          { ...offer, status: next, marketplace },
          { actor, action: succeeded ? 'published' : 'failed', data: { changeSetId, errors } },
        ),
      ],
    );
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
    await this.opportunities.endActive(offer, status, [
      this.history.event(
        key,
        { ...offer, status },
        { actor: SERVICE, action: status.toLowerCase(), data: { reason } },
      ),
    ]);
  }
}
