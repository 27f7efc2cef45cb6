import { runService } from '@cppo/platform';
import { AppModule } from './app.module';
import { OFFER_INGEST_SUBSCRIPTIONS } from './linking/offer-links.consumer';

void runService({
  name: 'offer-ingest',
  description: 'AWS Marketplace notifications from SQS into CPPO offers and normalized events',
  module: AppModule,
  consumers: [{ purpose: 'events', subscriptions: OFFER_INGEST_SUBSCRIPTIONS }],
});
