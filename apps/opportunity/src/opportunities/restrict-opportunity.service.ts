import { ConflictException, Injectable } from '@nestjs/common';
import { OpportunityRepository, type Offer } from '@cppo/persistence';
import { OpportunityHistory } from '../history/opportunity.history';
import { OpportunityQueries } from './opportunity.queries';

/** Asks for the irreversible restriction of an ACTIVE opportunity; the change-set publisher submits it. */
@Injectable()
export class RestrictOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly queries: OpportunityQueries,
    private readonly history: OpportunityHistory,
  ) {}

  async restrict(orgId: string, actor: string, id: string): Promise<Offer> {
    await this.queries.get(orgId, id);
    const requestedAt = new Date();
    const updated = await this.opportunities.requestRestrict(orgId, id, {
      requestedAt,
      // AWS takes 1-64 characters: the id (up to 39) and the request time in base 36 fit with room.
      clientRequestToken: `cppo-restrict-${id}-${requestedAt.getTime().toString(36)}`,
    });
    if (!updated) {
      const current = await this.queries.get(orgId, id);
      const reason =
        current.marketplace?.restrict && current.marketplace.restrict.status !== 'FAILED'
          ? 'a restriction is already in progress'
          : `it is ${current.status}`;
      throw new ConflictException(
        `opportunity ${id} cannot be restricted: only an ACTIVE opportunity can, and ${reason}`,
      );
    }
    await this.history.record(updated, actor, 'restrict-requested');
    return updated;
  }
}
