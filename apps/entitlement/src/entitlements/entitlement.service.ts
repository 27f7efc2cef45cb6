import { Injectable } from '@nestjs/common';
import { EntitlementType } from '@cppo/contracts';
import {
  EntitlementRepository,
  type AgreementApiState,
  type AgreementFact,
  type Entitlement,
} from '@cppo/persistence';
import { AgreementEnrichment } from './agreement-enrichment';
import { EntitlementLedger, type AwsAnswers } from './entitlement.ledger';
import { LicenceReader } from './licence-reader';

/** Facts after which AWS is asked again (the agreement's terms, the licence's quantities). */
const ASK_AGAIN = new Set(['created', 'amended', 'license-updated']);

/**
 * What happens to an entitlement when something is learnt: a new fact recorded (and, for a renewal or a
 * replacement, the previous agreement ended and linked), AWS asked what the buyer holds (the licence's
 * entitlements always; the Agreement API only for the org's own agreements), the links refreshed.
 */
@Injectable()
export class EntitlementService {
  constructor(
    private readonly ledger: EntitlementLedger,
    private readonly enrichment: AgreementEnrichment,
    private readonly licences: LicenceReader,
    private readonly entitlements: EntitlementRepository,
  ) {}

  async apply(orgId: string, agreementId: string, fact: AgreementFact): Promise<Entitlement | null> {
    let entitlement = await this.ledger.record(orgId, agreementId, fact);
    if (fact.kind === 'created' && fact.previousAgreementId) {
      await this.supersede(orgId, agreementId, fact);
      // Derived again now that the agreement it follows exists: it names that entitlement.
      entitlement = (await this.ledger.record(orgId, agreementId)) ?? entitlement;
    }
    // Terms and quantities are set or changed by a creation, an amendment, a licence update: ask AWS now
    // (the sweeper asks again later if AWS could not answer).
    if (entitlement && ASK_AGAIN.has(fact.kind))
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

  /** Every entitlement made from these partner offers, derived again with the offers as stored now. */
  async refreshOffers(orgId: string, awsOfferIds: string[]): Promise<void> {
    for (const awsOfferId of awsOfferIds) {
      this.ledger.forgetOffer(orgId, awsOfferId);
      const found = await this.entitlements.findAllBy(orgId, { awsOfferId });
      this.ledger.remember(found);
      for (const e of found) await this.ledger.record(orgId, e.agreementId);
    }
  }

  /** One sweep of an entitlement with something missing or due: links, a start that came, the Agreement API. */
  async sweep(entitlement: Entitlement): Promise<void> {
    this.ledger.remember([entitlement]);
    const refreshed = (await this.ledger.record(entitlement.orgId, entitlement.agreementId)) ?? entitlement;
    await this.enrich(refreshed);
  }

  /** Asks AWS what is due: the licence's entitlements, the Agreement API; both answers in one write. */
  private async enrich(e: Entitlement): Promise<Entitlement | null | undefined> {
    if (!e.status) return undefined;
    const answers: AwsAnswers = {};
    if (e.agreementApi?.status === 'DUE') answers.agreementApi = await this.agreementApi(e);
    if (e.licence?.status === 'DUE' && e.licenseArn && e.productCode)
      answers.licence = await this.licences.read(e.orgId, e.productCode, e.licenseArn);
    if (!answers.agreementApi && !answers.licence) return undefined;
    return this.ledger.record(e.orgId, e.agreementId, undefined, answers);
  }

  /**
   * The Agreement API's answer for an agreement the org is a party of (its own direct offers); a CPPO's
   * agreement is not asked for: AWS answers it only to the partner and the buyer.
   */
  private async agreementApi(e: Entitlement): Promise<AgreementApiState | undefined> {
    if (e.type === EntitlementType.CPPO)
      return {
        status: 'NOT_PARTY',
        at: new Date(),
        reason:
          "a CPPO's agreement is answered to its parties only (the partner and the buyer): the grants come from the licence",
      };
    return this.enrichment.read(e.orgId, e.agreementId);
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
      // It serves until its successor starts (a future-dated renewal leaves it in force until then).
      endTime: fact.startTime,
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
