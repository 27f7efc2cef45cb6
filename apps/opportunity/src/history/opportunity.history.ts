import { Injectable, Logger } from '@nestjs/common';
import { RoutingKeys } from '@cppo/contracts';
import { buildEnvelope } from '@cppo/messaging';
import { AuditEventRepository, type Offer, type OutboxEvent } from '@cppo/persistence';

export type OpportunityKey =
  | typeof RoutingKeys.OpportunityCreated
  | typeof RoutingKeys.OpportunityPublished
  | typeof RoutingKeys.OpportunityFailed
  | typeof RoutingKeys.OpportunityExpired
  | typeof RoutingKeys.OpportunityExpiring
  | typeof RoutingKeys.OpportunityRestricted;

/** Who made a change and what it was, for the audit line its event carries. */
export interface Change {
  actor: string;
  action: string;
  data?: Record<string, unknown>;
}

/** What an opportunity's changes leave behind: the `cppo.opportunity.*.v1` event and the audit entry. */
@Injectable()
export class OpportunityHistory {
  private readonly logger = new Logger(OpportunityHistory.name);

  constructor(private readonly audit: AuditEventRepository) {}

  /**
   * The event describing the opportunity as it is after the change, carrying the change's audit line: the
   * relay writes it when it publishes the event, so a crash right after the change loses neither.
   */
  event(key: OpportunityKey, offer: Offer, change: Change, more: Record<string, unknown> = {}): OutboxEvent {
    const event = buildEnvelope(
      key,
      {
        ...more,
        opportunityId: offer._id,
        productId: offer.productId,
        resellerAccountId: offer.resellerAccountId,
        buyerAccountIds: offer.buyerAccountIds ?? [],
        status: offer.status,
        resaleAuthorizationId: offer.marketplace?.resaleAuthorizationId,
        changeSetId: offer.marketplace?.changeSetId,
        errors: offer.marketplace?.errors,
      } as never,
      { orgId: offer.orgId, correlationId: offer._id },
    );
    return {
      ...event,
      audit: {
        entityType: 'opportunity',
        entityId: offer._id,
        action: change.action,
        actor: change.actor,
        data: { status: offer.status, ...change.data },
      },
    };
  }

  /**
   * The audit line of a change that causes no event (a restriction asked for or refused), written after
   * it: best effort — a crash in between loses that line, never state.
   */
  async record(offer: Offer, actor: string, action: string, data?: Record<string, unknown>): Promise<void> {
    await this.audit
      .append({
        orgId: offer.orgId,
        entityType: 'opportunity',
        entityId: offer._id,
        action,
        actor,
        data: { status: offer.status, ...data },
      })
      .catch((error: Error) => this.logger.warn(`audit for ${offer._id} not written: ${error.message}`));
  }
}
