import { runService } from '@cppo/platform';
import { AppModule } from './app.module';

void runService({
  name: 'offer-ingest',
  description: 'AWS Marketplace notifications from SQS into CPPO offers and normalized events',
  module: AppModule,
});
