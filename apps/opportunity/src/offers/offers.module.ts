import { Module } from '@nestjs/common';
import { OfferLookup } from './offer-lookup.service';
import { OffersController } from './offers.controller';

/** The Offer view over both types, read-only. */
@Module({ controllers: [OffersController], providers: [OfferLookup] })
export class OffersModule {}
