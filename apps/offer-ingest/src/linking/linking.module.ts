import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { OfferLinker } from './offer-linker';
import { OfferLinksConsumer } from './offer-links.consumer';

/**
 * Linking a partner's CPPO offer to the opportunity it was made from, in one place: when the offer is
 * released (OfferLinker: its resale authorization, else a unique match) and when an agreement on it names
 * the opportunity (OfferLinksConsumer).
 */
@Module({
  imports: [MarketplaceModule],
  controllers: [OfferLinksConsumer],
  providers: [OfferLinker],
  exports: [OfferLinker],
})
export class LinkingModule {}
