import { Injectable, Logger } from '@nestjs/common';
import type { OfferReleasedEvent } from '@cppo/contracts';
import { CatalogGateway } from '@cppo/marketplace';
import { OfferRepository, type Offer } from '@cppo/persistence';

/**
 * Finds the CPPO_OUT opportunity a partner's CPPO offer was made from: first by the offer's
 * ResaleAuthorizationId (Catalog DescribeEntity, when AWS lets the ISV describe the partner's offer),
 * else by a unique match of partner + product + buyers among the org's published opportunities.
 * Unresolved offers stay unlinked for the reconciler.
 */
@Injectable()
export class OfferLinker {
  private readonly logger = new Logger(OfferLinker.name);

  constructor(
    private readonly catalog: CatalogGateway,
    private readonly offers: OfferRepository,
  ) {}

  async resolve(
    orgId: string,
    event: OfferReleasedEvent,
  ): Promise<{ opportunity?: Offer; resaleAuthorizationId?: string; how?: string }> {
    const resaleAuthorizationId = await this.describeResaleAuthorization(orgId, event.awsOfferId);
    if (resaleAuthorizationId) {
      const opportunity = await this.offers.findOpportunityByResaleAuthorization(
        orgId,
        resaleAuthorizationId,
      );
      if (opportunity) return { opportunity, resaleAuthorizationId, how: 'resale authorization' };
      return { resaleAuthorizationId };
    }
    const candidates = await this.offers.findReleasedOpportunities(
      orgId,
      event.productId,
      event.sellerOfRecordAccountId,
      50,
    );
    const matching = candidates.filter(
      (o) =>
        !o.buyerAccountIds?.length ||
        event.buyerAccountIds.every((buyer) => o.buyerAccountIds.includes(buyer)),
    );
    if (matching.length === 1) {
      return {
        opportunity: matching[0],
        resaleAuthorizationId: matching[0].marketplace?.resaleAuthorizationId,
        how: 'unique partner + product + buyers match',
      };
    }
    return {};
  }

  private async describeResaleAuthorization(orgId: string, awsOfferId: string): Promise<string | undefined> {
    try {
      return await this.catalog.resaleAuthorizationOfOffer(orgId, awsOfferId);
    } catch (error) {
      // AccessDenied is the expected answer when AWS does not let the ISV see the partner's offer.
      if ((error as Error).name !== 'AccessDeniedException')
        this.logger.debug(`DescribeEntity ${awsOfferId}: ${(error as Error).message}`);
      return undefined;
    }
  }
}
