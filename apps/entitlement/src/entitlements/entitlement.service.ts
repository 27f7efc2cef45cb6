import { Injectable } from '@nestjs/common';
import { EntitlementRepository, type AgreementFact, type Entitlement } from '@cppo/persistence';
import { AgreementEnrichment } from './agreement-enrichment';
import { EntitlementLedger } from './entitlement.ledger';

/**
 * What happens to an entitlement when something is learnt: a new fact recorded (and, for a renewal or a
 * replacement, the previous agreement ended and linked), the Agreement API asked, the links refreshed.
 */
@Injectable()
export class EntitlementService {
  constructor(
    private readonly ledger: EntitlementLedger,
    private readonly enrichment: AgreementEnrichment,
    private readonly entitlements: EntitlementRepository,
  ) {}

  async apply(orgId: string, agreementId: string, fact: AgreementFact): Promise<Entitlement | null> {
    let entitlement = await this.ledger.record(orgId, agreementId, fact);
    if (fact.kind === 'created' && fact.previousAgreementId) await this.supersede(orgId, agreementId, fact);
    // Terms are accepted or changed by a creation or an amendment: ask the Agreement API now (the sweeper
    // asks again later if AWS could not answer).
    if (entitlement && (fact.kind === 'created' || fact.kind === 'amended'))
      entitlement = (await this.enrich(entitlement)) ?? entitlement;
    return entitlement;
  }

  /** Refreshes the entitlements waiting for this offer or opportunity to be known. */
  async relink(
    orgId: string,
    key: { awsOfferId: string } | { resaleAuthorizationId: string },
  ): Promise<void> {
    for (const waiting of await this.entitlements.findWaitingFor(orgId, key))
      await this.ledger.record(orgId, waiting.agreementId);
  }

  /** One sweep of an entitlement with something missing or due: links, a start that came, the Agreement API. */
  async sweep(entitlement: Entitlement): Promise<void> {
    this.ledger.remember([entitlement]);
    const refreshed = (await this.ledger.record(entitlement.orgId, entitlement.agreementId)) ?? entitlement;
    await this.enrich(refreshed);
  }

  /** Asks the Agreement API when it is due (an agreement created or amended since it last answered). */
  private async enrich(entitlement: Entitlement): Promise<Entitlement | null | undefined> {
    if (entitlement.agreementApi?.status !== 'DUE' || !entitlement.status) return undefined;
    const answer = await this.enrichment.read(entitlement.orgId, entitlement.agreementId);
    if (!answer) return undefined;
    return this.ledger.record(entitlement.orgId, entitlement.agreementId, undefined, answer);
  }

  /**
   * A renewal (intent RENEW) or a replacement names the agreement it follows: that one ends (RENEWED or
   * REPLACED, with a link to the new one), as a fact of its own with the same event time, and the buyer's
   * registration carries over.
   */
  private async supersede(orgId: string, agreementId: string, fact: AgreementFact): Promise<void> {
    const previousId = fact.previousAgreementId as string;
    const previous = await this.ledger.record(orgId, previousId, {
      eventId: `${fact.eventId}:supersedes`,
      eventTime: fact.eventTime,
      kind: 'superseded',
      status: fact.intent === 'RENEW' ? 'RENEWED' : 'REPLACED',
      nextAgreementId: agreementId,
    });
    const next = await this.entitlements.findByAgreement(orgId, agreementId);
    if (previous?.tenantId && next && !next.tenantId)
      await this.entitlements.register(orgId, next._id, {
        tenantId: previous.tenantId,
        customerIdentifier: previous.customerIdentifier,
        registeredAt: new Date(),
      });
  }
}
