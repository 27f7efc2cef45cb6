import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { EntitlementRepository, OfferRepository } from '@cppo/persistence';
import { OrgId, LimitQuery } from '@cppo/platform';

class UnlinkedItem {
  @ApiProperty({ enum: ['entitlement', 'offer'] }) kind: 'entitlement' | 'offer';
  @ApiProperty() id: string;
  @ApiPropertyOptional() agreementId?: string;
  @ApiPropertyOptional() awsOfferId?: string;
  @ApiProperty({ type: [String], description: 'what is missing' }) missing: string[];
  @ApiProperty() reason: string;
  @ApiProperty({ description: 'unlinked since' }) since: string;
}

class UnlinkedList {
  @ApiProperty({ type: [UnlinkedItem] }) items: UnlinkedItem[];
}

/**
 * What is still missing a link: entitlements whose CPPO offer or opportunity is not known (yet), and
 * partners' CPPO offers not linked to an opportunity. Both are linked the moment the missing piece arrives,
 * and swept periodically.
 */
@ApiTags('reconciliation')
@Controller('v1/reconciliation')
export class ReconciliationController {
  constructor(
    private readonly entitlements: EntitlementRepository,
    private readonly offers: OfferRepository,
  ) {}

  @Get('unlinked')
  @ApiOkResponse({ type: UnlinkedList })
  async unlinked(@OrgId() orgId: string, @Query() query: LimitQuery): Promise<UnlinkedList> {
    const [entitlements, offers] = await Promise.all([
      this.entitlements.listUnlinked(orgId, { limit: query.limit }),
      this.offers.listUnlinkedCppo(orgId, { limit: query.limit }),
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
