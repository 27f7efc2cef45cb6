import { Injectable } from '@nestjs/common';
import {
  GetEntitlementsCommand,
  type Entitlement as AwsEntitlement,
  type GetEntitlementFilterName,
  type MarketplaceEntitlementServiceClient,
} from '@aws-sdk/client-marketplace-entitlement-service';
import { AwsServiceEnv } from '@cppo/runtime';
import { AwsGateway } from '../aws-gateway';
import { createEntitlementClient } from '../clients';
import { OrgAwsAccess } from '../org-aws-access';

/** Which of a product's entitlements to read: one filter each, values OR-ed (GetEntitlements' rule). */
export interface LicenseEntitlementFilter {
  licenseArn?: string;
  customerAwsAccountId?: string;
  dimension?: string;
}

/** One dimension a buyer is entitled to, as the Entitlement Service answers the product's seller. */
export interface LicenseEntitlement {
  productCode: string;
  dimension: string;
  licenseArn?: string;
  customerAwsAccountId?: string;
  customerIdentifier?: string;
  /** The entitled quantity (or flag, or text) of the dimension. */
  value?: number | boolean | string;
  expiresAt?: Date;
}

const FILTERS: Record<keyof LicenseEntitlementFilter, GetEntitlementFilterName> = {
  licenseArn: 'LICENSE_ARN',
  customerAwsAccountId: 'CUSTOMER_AWS_ACCOUNT_ID',
  dimension: 'DIMENSION',
};

/** The Entitlement Service (GetEntitlements): what a SaaS product's buyers are entitled to. */
@Injectable()
export class EntitlementGateway extends AwsGateway<MarketplaceEntitlementServiceClient> {
  constructor(env: AwsServiceEnv, access: OrgAwsAccess) {
    super(env, access, createEntitlementClient);
  }

  /** Every page of the product's entitlements that match the filter. */
  async entitlements(
    orgId: string,
    productCode: string,
    filter: LicenseEntitlementFilter,
  ): Promise<LicenseEntitlement[]> {
    const Filter: Partial<Record<GetEntitlementFilterName, string[]>> = {};
    for (const [name, value] of Object.entries(filter) as [keyof LicenseEntitlementFilter, string][])
      if (value) Filter[FILTERS[name]] = [value];
    const found: LicenseEntitlement[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call(orgId, 'GetEntitlements', (client) =>
        client.send(new GetEntitlementsCommand({ ProductCode: productCode, Filter, NextToken })),
      );
      found.push(...(page.Entitlements ?? []).map(licenseEntitlementOf));
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  }

  /**
   * Whether the org may read its buyers' entitlements: one GetEntitlements call for a customer that does
   * not exist (it answers nothing). Throws AWS's error when not.
   */
  async probe(orgId: string, productCode: string): Promise<void> {
    await this.call(orgId, 'GetEntitlements', (client) =>
      client.send(
        new GetEntitlementsCommand({
          ProductCode: productCode,
          Filter: { CUSTOMER_AWS_ACCOUNT_ID: ['000000000000'] },
          MaxResults: 1,
        }),
      ),
    );
  }
}

function licenseEntitlementOf(e: AwsEntitlement): LicenseEntitlement {
  const v = e.Value;
  return {
    productCode: e.ProductCode ?? '',
    dimension: e.Dimension ?? '',
    licenseArn: e.LicenseArn,
    customerAwsAccountId: e.CustomerAWSAccountId,
    customerIdentifier: e.CustomerIdentifier,
    value: v?.IntegerValue ?? v?.DoubleValue ?? v?.BooleanValue ?? v?.StringValue,
    expiresAt: e.ExpirationDate,
  };
}
