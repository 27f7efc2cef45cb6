import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { AwsConnectionController } from './aws-connection.controller';

/** GET /v1/aws/connection: whether the hub can act for the org in AWS. */
@Module({ imports: [MarketplaceModule], controllers: [AwsConnectionController] })
export class AwsConnectionModule {}
