import { jsonError, epoch, type Doc } from '../json-api';
import type { SimState } from '../state';
import { findProduct } from '../world';

/** The Entitlement Service (JSON 1.1): GetEntitlements, answered to the product's seller. */
export class EntitlementApi {
  constructor(private readonly state: SimState) {}

  getEntitlements(caller: string, input: Doc): Doc {
    const productCode = input['ProductCode'];
    if (typeof productCode !== 'string' || !productCode)
      throw jsonError('InvalidParameterException', 'ProductCode is required');
    const found = findProduct(this.state.world, productCode);
    if (!found || found.product.code !== productCode || found.seller.accountId !== caller) {
      throw jsonError('InvalidParameterException', `ProductCode ${productCode} is not one of your products`);
    }
    const filter = (input['Filter'] as Record<string, string[]> | undefined) ?? {};
    if (filter['CUSTOMER_IDENTIFIER'] && filter['CUSTOMER_AWS_ACCOUNT_ID']) {
      throw jsonError(
        'InvalidParameterException',
        'CUSTOMER_IDENTIFIER and CUSTOMER_AWS_ACCOUNT_ID are mutually exclusive',
      );
    }
    const known = ['CUSTOMER_IDENTIFIER', 'CUSTOMER_AWS_ACCOUNT_ID', 'DIMENSION', 'LICENSE_ARN'];
    const unknown = Object.keys(filter).find((k) => !known.includes(k));
    if (unknown) throw jsonError('InvalidParameterException', `unknown filter ${unknown}`);
    const matches = (values: string[] | undefined, value: string) => !values || values.includes(value);
    const entitlements = [...this.state.agreements.values()]
      .filter((a) => a.productCode === productCode && a.status === 'ACTIVE' && !a.licenseDeprovisioned)
      .filter((a) => matches(filter['CUSTOMER_IDENTIFIER'], a.customerIdentifier))
      .filter((a) => matches(filter['CUSTOMER_AWS_ACCOUNT_ID'], a.acceptorAccountId))
      .filter((a) => matches(filter['LICENSE_ARN'], a.licenseArn))
      .flatMap((a) =>
        a.grants
          .filter((g) => matches(filter['DIMENSION'], g.dimensionKey))
          .map((g) => ({
            ProductCode: a.productCode,
            Dimension: g.dimensionKey,
            CustomerIdentifier: a.customerIdentifier,
            CustomerAWSAccountId: a.acceptorAccountId,
            LicenseArn: a.licenseArn,
            Value: { IntegerValue: g.quantity },
            ExpirationDate: epoch(a.endTime),
          })),
      );
    const max = Number(input['MaxResults'] ?? 25);
    if (!Number.isInteger(max) || max < 1 || max > 25)
      throw jsonError('InvalidParameterException', 'MaxResults must be 1-25');
    const start = Number(input['NextToken'] ?? 0);
    return {
      Entitlements: entitlements.slice(start, start + max),
      NextToken: start + max < entitlements.length ? String(start + max) : undefined,
    };
  }
}
