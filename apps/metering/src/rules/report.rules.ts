import { createHash } from 'node:crypto';
import type { Entitlement, MeteringCustomer, MeteringReport } from '@cppo/persistence';
import { multiplyDecimal } from './usage.rules';

// What a metering report is made of, as pure functions: its id, its customer path, its figures. Shared by
// the reporting feature (which makes reports) and the usage feature (which shows hours not reported yet).

/**
 * The report id of (org, entitlement, dimension, hour): 24 hex digits like an ObjectId, the hour's epoch
 * seconds first, so ids sort by hour and serve as pagination cursors.
 */
export function meteringReportId(
  orgId: string,
  entitlementId: string,
  dimension: string,
  hour: number,
): string {
  const time = Math.floor(hour / 1000)
    .toString(16)
    .padStart(8, '0');
  const key = createHash('sha256').update(`${orgId}\n${entitlementId}\n${dimension}\n${hour}`).digest('hex');
  return `mr_${time}${key.slice(0, 16)}`;
}

/**
 * Who AWS is told the customer is: the licence path when the entitlement has a licence and the buyer's
 * account, else the legacy customer identifier with the product code; never both. The product (which
 * groups calls: one product per call) and the licence's start (which stamps the first partial hour) go
 * with it.
 */
export function customerOf(e: Entitlement | undefined): MeteringCustomer | undefined {
  const product = e?.productCode ?? e?.productId;
  const licenseStart = e?.startTime ? { licenseStart: new Date(e.startTime) } : {};
  if (e?.licenseArn && e.buyerAccountId)
    return {
      path: 'LicenseArn',
      licenseArn: e.licenseArn,
      customerAwsAccountId: e.buyerAccountId,
      ...(product ? { productCode: product } : {}),
      ...licenseStart,
    };
  if (e?.customerIdentifier && e.productCode)
    return {
      path: 'ProductCode',
      customerIdentifier: e.customerIdentifier,
      productCode: e.productCode,
      ...licenseStart,
    };
  return undefined;
}

/**
 * The instant AWS is told a report's usage happened: its hour's start, or the licence's start when the
 * licence began within that hour (AWS refuses usage stamped before the licence existed).
 */
export function reportTimestamp(hour: Date, customer: MeteringCustomer | undefined): Date {
  const start = customer?.licenseStart ? new Date(customer.licenseStart).getTime() : undefined;
  const from = hour.getTime();
  return start !== undefined && start > from && start < from + 3_600_000 ? new Date(start) : hour;
}

/** An hour's figures for one entitlement and dimension: included per the grant, overage, wholesale value. */
export function figures(
  e: Entitlement | undefined,
  dimension: string,
  usage: number,
): Pick<MeteringReport, 'includedQuantity' | 'overageQuantity' | 'wholesalePrice' | 'wholesaleValue'> {
  const included = e?.grants?.find((g) => g.dimensionKey === dimension)?.quantity ?? 0;
  const overage = Math.max(0, usage - included);
  const price = e?.wholesalePrices?.find((p) => p.dimensionKey === dimension)?.price;
  return {
    includedQuantity: included,
    overageQuantity: overage,
    wholesalePrice: price,
    wholesaleValue: multiplyDecimal(price, overage),
  };
}
