import { Injectable, Logger } from '@nestjs/common';
import { AgreementGateway, classifyAwsError } from '@cppo/marketplace';
import type { AgreementApiState } from '@cppo/persistence';

/**
 * Asks the Agreement API what the buyer accepted (DescribeAgreement, GetAgreementTerms) on an agreement the
 * org is a party of — its own direct private offers; a CPPO's is not asked (AWS answers the proposer and the
 * acceptor only: the partner and the buyer). A refusal (a client error such as AccessDenied) is recorded
 * with its reason and the entitlement carries on with the licence and the events. Throttling, 5xx and
 * network errors leave it due for the sweeper.
 */
@Injectable()
export class AgreementEnrichment {
  private readonly logger = new Logger(AgreementEnrichment.name);

  constructor(private readonly agreements: AgreementGateway) {}

  /** The new Agreement API state, or undefined when it could not be asked now (try again later). */
  async read(orgId: string, agreementId: string): Promise<AgreementApiState | undefined> {
    try {
      return { status: 'OK', at: new Date(), ...(await this.agreements.agreement(orgId, agreementId)) };
    } catch (error) {
      const e = error as Error;
      if (classifyAwsError(error) !== 'client') {
        this.logger.warn(`Agreement API for ${agreementId} unavailable (${e.name}): will try again`);
        return undefined;
      }
      return { status: 'DENIED', at: new Date(), reason: `${e.name}: ${e.message}` };
    }
  }
}
