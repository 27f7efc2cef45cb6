import { Injectable } from '@nestjs/common';
import { EntitlementRepository, OfferRepository } from '@cppo/persistence';
import type { UnlinkedList } from './dto/unlinked.list';

/**
 * What is still missing a link: entitlements whose CPPO offer or opportunity is not known (yet), and
 * partners' CPPO offers not linked to an opportunity. Both are linked the moment the missing piece arrives,
 * and swept periodically.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly entitlements: EntitlementRepository,
    private readonly offers: OfferRepository,
  ) {}

  async unlinked(orgId: string, limit: number): Promise<UnlinkedList> {
    const [entitlements, offers] = await Promise.all([
      this.entitlements.listUnlinked(orgId, { limit }),
      this.offers.listUnlinkedCppo(orgId, { limit }),
    ]);
    return {
      items: [
        ...entitlements.items.map((e) => ({
          kind: 'entitlement' as const,
          id: e._id,
          agreementId: e.agreementId,
          awsOfferId: e.awsOfferId,
          missing: e.link.missing,
          reason: e.link.reason ?? '',
          since: new Date(e.link.since ?? e.createdAt ?? 0).toISOString(),
        })),
        ...offers.items.map((o) => ({
          kind: 'offer' as const,
          id: o._id,
          awsOfferId: o.awsOfferId,
          missing: ['opportunity'],
          reason:
            'no opportunity found for this partner offer: AWS did not let us read its resale authorization and no single published opportunity matches its partner, product and buyers',
          since: new Date(o.createdAt ?? 0).toISOString(),
        })),
      ],
    };
  }
}
