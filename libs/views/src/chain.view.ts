import { ApiProperty } from '@nestjs/swagger';
import { EntitlementView } from './entitlement.view';
import { OfferView } from './offer.view';
import type { ChainJson } from './types';

/** The deal chain: the opportunity, the partners' CPPO offers made from it, the buyers' entitlements. */
export class ChainView implements ChainJson {
  @ApiProperty({ type: OfferView }) opportunity: OfferView;
  @ApiProperty({ type: [OfferView] }) offers: OfferView[];
  @ApiProperty({ type: [EntitlementView] }) entitlements: EntitlementView[];
}
