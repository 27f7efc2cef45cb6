import { Module } from '@nestjs/common';
import { AgreementGateway } from './agreement/agreement.gateway';
import { CatalogGateway } from './catalog/catalog.gateway';
import { AwsConnectionCheck } from './connection/aws-connection.check';
import { EntitlementGateway } from './entitlement/entitlement.gateway';
import { MeteringGateway } from './metering/metering.gateway';
import { OrgAwsAccess } from './org-aws-access';
import { SddsGateway } from './sdds/sdds.gateway';

const PROVIDERS = [
  OrgAwsAccess,
  CatalogGateway,
  AgreementGateway,
  EntitlementGateway,
  MeteringGateway,
  AwsConnectionCheck,
  SddsGateway,
];

/**
 * The AWS gateways, one instance each per service (their client and product caches are shared by every
 * feature that imports this module). Needs the service's `AwsServiceEnv` and the persistence module.
 */
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class MarketplaceModule {}
