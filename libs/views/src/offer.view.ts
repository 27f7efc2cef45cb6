import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OfferStatus, OfferType } from '@cppo/contracts';
import type { Offer, OfferMarketplaceState } from '@cppo/persistence';
import type { MarketplaceErrorJson, OfferJson, OfferMarketplaceJson, RestrictJson } from './types';

export class MarketplaceErrorView implements MarketplaceErrorJson {
  @ApiProperty() code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional() changeName?: string;
}

export class RestrictView implements RestrictJson {
  @ApiProperty({ description: 'when the restriction was asked for' }) requestedAt: string;
  @ApiPropertyOptional() changeSetId?: string;
  @ApiPropertyOptional({ description: 'PREPARING, APPLYING, SUCCEEDED or FAILED' }) status?: string;
  @ApiPropertyOptional({ type: [MarketplaceErrorView] }) errors?: MarketplaceErrorView[];
}

/** Where the offer stands in AWS Marketplace. */
export class OfferMarketplaceView implements OfferMarketplaceJson {
  @ApiPropertyOptional() resaleAuthorizationId?: string;
  @ApiPropertyOptional() changeSetId?: string;
  @ApiPropertyOptional({ description: 'PREPARING, APPLYING, SUCCEEDED, FAILED or CANCELLED' })
  changeSetStatus?: string;
  @ApiPropertyOptional({ type: [MarketplaceErrorView], description: 'AWS error code and message per change' })
  errors?: MarketplaceErrorView[];
  @ApiPropertyOptional({ type: RestrictView, description: 'CPPO_OUT: the restriction, once asked for' })
  restrict?: RestrictView;
  @ApiPropertyOptional({
    description:
      "CPPO_OUT: AWS's word on the partner's use: Not Started, Completed-Usable, Completed-Used (a single-use authorization used up)",
  })
  offerExtendedStatus?: string;
  @ApiPropertyOptional({ description: 'CPPO_OUT: offers partners made from it, as AWS counts them' })
  offerCreatedCount?: number;

  /** Only the documented fields: the publisher's own bookkeeping (tokens, poll schedule) stays inside. */
  static from(state: OfferMarketplaceState | undefined): OfferMarketplaceView {
    const restrict = state?.restrict;
    return {
      resaleAuthorizationId: state?.resaleAuthorizationId,
      changeSetId: state?.changeSetId,
      changeSetStatus: state?.changeSetStatus,
      errors: state?.errors,
      offerExtendedStatus: state?.offerDetails?.offerExtendedStatus,
      offerCreatedCount: state?.offerDetails?.offerCreatedCount,
      restrict: restrict && {
        requestedAt: new Date(restrict.requestedAt).toISOString(),
        changeSetId: restrict.changeSetId,
        status: restrict.status,
        errors: restrict.errors,
      },
    };
  }
}

/** The public Offer view over both types (`CPPO_OUT` opportunities and partners' `CPPO` offers). */
export class OfferView implements OfferJson {
  @ApiProperty() id: string;
  @ApiProperty({ enum: OfferType }) type: OfferType;
  @ApiProperty({ enum: OfferStatus }) status: OfferStatus;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ description: 'CPPO_OUT: its key, when kept as code (`cppo apply`)' }) key?: string;
  @ApiProperty() productId: string;
  @ApiProperty({ description: 'CPPO_OUT: the authorized reseller; CPPO: the partner (seller of record)' })
  resellerAccountId: string;
  @ApiProperty({ type: [String] }) buyerAccountIds: string[];
  @ApiPropertyOptional({ type: Object }) terms?: Record<string, unknown>;
  @ApiPropertyOptional() expiryDate?: string;
  @ApiProperty({ type: OfferMarketplaceView }) marketplace: OfferMarketplaceView;
  @ApiProperty({ description: 'CPPO_OUT: linked CPPO offers' }) offerCount: number;
  @ApiPropertyOptional() awsOfferId?: string;
  @ApiPropertyOptional({ description: 'CPPO: its CPPO_OUT opportunity' }) cppoOutOfferId?: string;
  @ApiPropertyOptional({ description: 'CPPO: the offer set it was released in' }) offerSetId?: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(offer: Offer): OfferView {
    return {
      id: offer._id,
      type: offer.type,
      status: offer.status,
      name: offer.name,
      description: offer.description,
      key: offer.key,
      productId: offer.productId,
      resellerAccountId: offer.resellerAccountId,
      buyerAccountIds: offer.buyerAccountIds,
      terms: offer.terms,
      expiryDate: offer.expiryDate,
      marketplace: OfferMarketplaceView.from(offer.marketplace),
      offerCount: offer.offerCount ?? 0,
      awsOfferId: offer.awsOfferId,
      cppoOutOfferId: offer.cppoOutOfferId,
      offerSetId: offer.offerSetId,
      createdAt: (offer.createdAt ?? new Date(0)).toISOString(),
      updatedAt: (offer.updatedAt ?? new Date(0)).toISOString(),
    };
  }
}

export class OfferPage {
  @ApiProperty({ type: [OfferView] }) items: OfferView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
