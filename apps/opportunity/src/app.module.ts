import { Module } from '@nestjs/common';
import { OfferType } from '@cppo/contracts';
import { MessagingModule } from '@cppo/messaging';
import { Offer, PersistenceModule } from '@cppo/persistence';
import { PlatformModule } from '@cppo/platform';
import { OpportunityEnv } from './config/opportunity.env';
import { AwsConnectionModule } from './aws-connection/aws-connection.module';
import { PartnersModule } from './partners/partners.module';
import { ProductsModule } from './products/products.module';
import { ChangeSetsModule } from './change-sets/change-sets.module';
import { ExpiryModule } from './expiry/expiry.module';
import { OffersModule } from './offers/offers.module';
import { OpportunitiesModule } from './opportunities/opportunities.module';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'opportunity', env: OpportunityEnv }),
    PersistenceModule,
    MessagingModule.forRoot({
      service: 'opportunity',
      outboxModels: [{ model: Offer.name, scope: { type: OfferType.CPPO_OUT } }],
    }),
    OffersModule,
    OpportunitiesModule,
    ChangeSetsModule,
    ExpiryModule,
    AwsConnectionModule,
    PartnersModule,
    ProductsModule,
  ],
})
export class AppModule {}
