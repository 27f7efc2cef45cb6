import { randomUUID } from 'node:crypto';
import { must } from '../must';
import { jsonError, type Doc } from '../json-api';
import type { AgreementRecord, MeteringRecord, SimState } from '../state';
import { findProduct, isUsageDimension } from '../world';

/** UsageRecord.Quantity: an integer 0..2^31-1 in AWS's model. */
const MAX_QUANTITY = 2 ** 31 - 1;

/** The Metering Service (JSON 1.1): ResolveCustomer and BatchMeterUsage. */
export class MeteringApi {
  constructor(private readonly state: SimState) {}

  /**
   * ResolveCustomer: answered only to the product's seller (anyone else's call is an invalid token to
   * them); a token older than `registrationTokenTtlHours` is ExpiredTokenException.
   */
  resolveCustomer(caller: string, input: Doc): Doc {
    const token = input['RegistrationToken'];
    const agreement = [...this.state.agreements.values()].find((a) => a.registrationToken === token);
    if (!agreement || agreement.manufacturerAccountId !== caller)
      throw jsonError('InvalidTokenException', 'Registration token is invalid');
    const ttl = this.state.config.registrationTokenTtlHours * 3600_000;
    if (this.state.now() > Date.parse(agreement.acceptanceTime) + ttl)
      throw jsonError('ExpiredTokenException', 'Registration token has expired');
    return {
      CustomerIdentifier: agreement.customerIdentifier,
      ProductCode: agreement.productCode,
      CustomerAWSAccountId: agreement.acceptorAccountId,
      LicenseArn: this.state.config.resolveCustomerLicenseArn ? agreement.licenseArn : undefined,
    };
  }

  /**
   * BatchMeterUsage. `unprocessed` (a fault rule fired): the second half of the records (at least one) comes
   * back in `UnprocessedRecords`, untouched, as AWS returns records it could not process this time.
   */
  batchMeterUsage(caller: string, input: Doc, unprocessed = false): Doc {
    const records = input['UsageRecords'];
    if (!Array.isArray(records) || records.length > 25)
      throw jsonError('ValidationException', 'UsageRecords must contain 0-25 records');
    const productCode =
      typeof input['ProductCode'] === 'string' && input['ProductCode'] ? input['ProductCode'] : undefined;
    // Without AWS's models loaded the simulator still refuses what they refuse: Quantity is 0..2^31-1.
    const badQuantity = (records as Doc[]).find((r) => {
      const q = r['Quantity'] ?? 0;
      return typeof q !== 'number' || !Number.isInteger(q) || q < 0 || q > MAX_QUANTITY;
    });
    if (badQuantity)
      throw jsonError(
        'ValidationException',
        `1 validation error detected: Value ${JSON.stringify(badQuantity['Quantity'])} at 'usageRecords.member.quantity' failed to satisfy constraint: Member must have value between 0 and ${MAX_QUANTITY}`,
      );
    // "For new integrations using LicenseArn, do NOT include ProductCode" (the model); AWS refuses both.
    if (productCode && (records as Doc[]).some((r) => r['LicenseArn'] !== undefined))
      throw jsonError(
        'ValidationException',
        'ProductCode must not be sent with usage records identified by LicenseArn (Concurrent Agreements)',
      );
    if (productCode) {
      const found = findProduct(this.state.world, productCode);
      if (!found || found.product.code !== productCode || found.seller.accountId !== caller) {
        throw jsonError(
          'InvalidProductCodeException',
          `ProductCode ${productCode} is not one of your products`,
        );
      }
    }
    const now = this.state.now();
    const window = this.state.config.meteringWindowHours * 3600_000;
    // The month-end rule: from 06:00 UTC on the 1st, the previous month's usage is closed.
    const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
    const closedBefore = now >= monthStart + 6 * 3600_000 ? monthStart : -Infinity;
    // Whole call rejected when any timestamp is outside the acceptance window.
    for (const record of records as Doc[]) {
      const ts = Number(record['Timestamp']) * 1000;
      if (!Number.isFinite(ts) || ts < now - window || ts > now + 300_000 || ts < closedBefore) {
        throw jsonError(
          'TimestampOutOfBoundsException',
          ts < closedBefore && ts >= now - window
            ? `Timestamp ${String(record['Timestamp'])} is in a previous month, closed at 06:00 UTC on the 1st`
            : `Timestamp ${String(record['Timestamp'])} is outside the accepted window of ${this.state.config.meteringWindowHours} hours`,
        );
      }
    }
    const keep = unprocessed ? Math.floor(records.length / 2) : records.length;
    const processed = (records as Doc[]).slice(0, keep);
    // A licence unknown, or used outside its agreement's time, fails the whole call (nothing is recorded).
    const licensed = processed.map((record) => this.licensedAgreement(caller, record));
    // "Each BatchMeterUsage request is for only one product" (the model's documentation).
    const products = new Set(licensed.filter((a) => a).map((a) => a?.productCode));
    if (products.size > 1 || (productCode && products.size === 1 && !products.has(productCode)))
      throw jsonError(
        'ValidationException',
        `A BatchMeterUsage request is for one product; these records are for ${[...products, productCode].filter((p) => p).join(', ')}`,
      );
    const results = processed.map((record, i) => this.meterOne(caller, productCode, record, licensed[i]));
    return { Results: results, UnprocessedRecords: (records as Doc[]).slice(keep) };
  }

  /** The agreement of the record's `LicenseArn` (none on the legacy path), or InvalidLicenseException. */
  private licensedAgreement(caller: string, record: Doc): AgreementRecord | undefined {
    const licenseArn = record['LicenseArn'];
    if (licenseArn === undefined) return undefined;
    const agreement = [...this.state.agreements.values()].find(
      (a) => a.licenseArn === licenseArn && a.manufacturerAccountId === caller,
    );
    const ts = Number(record['Timestamp']) * 1000;
    const customer = record['CustomerAWSAccountId'];
    const problem = !agreement
      ? `LicenseArn ${String(licenseArn)} is not valid`
      : customer !== undefined && customer !== agreement.acceptorAccountId
        ? `LicenseArn ${String(licenseArn)} does not belong to customer ${String(customer)}`
        : ts < Date.parse(agreement.startTime)
          ? `Timestamp ${String(record['Timestamp'])} is before LicenseArn ${String(licenseArn)} was activated`
          : this.afterEndWindow(agreement, ts)
            ? `Timestamp ${String(record['Timestamp'])} is after LicenseArn ${String(licenseArn)} ended (and its final hour)`
            : undefined;
    if (problem) throw jsonError('InvalidLicenseException', problem);
    return agreement;
  }

  /** After an agreement ends, usage is accepted for one more hour (the final-usage window). */
  private afterEndWindow(agreement: AgreementRecord, ts: number): boolean {
    if (agreement.status === 'ACTIVE' || !agreement.endTime) return false;
    return ts > Date.parse(agreement.endTime) + 3600_000;
  }

  private meterOne(
    caller: string,
    productCode: string | undefined,
    record: Doc,
    licensed: AgreementRecord | undefined,
  ): Doc {
    const dimension = String(record['Dimension'] ?? '');
    const quantity = Number(record['Quantity'] ?? 0);
    const licenseArn = record['LicenseArn'] as string | undefined;
    const accountId = record['CustomerAWSAccountId'] as string | undefined;
    const customerIdentifier = record['CustomerIdentifier'] as string | undefined;
    if (accountId && customerIdentifier) {
      throw jsonError(
        'InvalidCustomerIdentifierException',
        'CustomerIdentifier and CustomerAWSAccountId are mutually exclusive',
      );
    }
    const isCustomer = (a: AgreementRecord) =>
      customerIdentifier ? a.customerIdentifier === customerIdentifier : a.acceptorAccountId === accountId;
    // With a LicenseArn, the licence's agreement (found once, by licensedAgreement); else the product's.
    const agreement = licenseArn
      ? licensed && isCustomer(licensed)
        ? licensed
        : undefined
      : [...this.state.agreements.values()].find(
          (a) => a.manufacturerAccountId === caller && a.productCode === productCode && isCustomer(a),
        );
    const result = (status: string, meteringRecordId?: string) => ({
      UsageRecord: record,
      MeteringRecordId: meteringRecordId,
      Status: status,
    });
    if (!agreement) return result('CustomerNotSubscribed');
    const product = must(findProduct(this.state.world, agreement.productId), agreement.productId).product;
    if (!product.dimensions.some((d) => d.key === dimension && isUsageDimension(d))) {
      throw jsonError(
        'InvalidUsageDimensionException',
        `Dimension ${dimension} is not a metered dimension of ${product.code}`,
      );
    }
    const endedAt = agreement.status === 'ACTIVE' ? undefined : Date.parse(agreement.endTime ?? '');
    const ts = Number(record['Timestamp']) * 1000;
    // After the agreement ends, usage is accepted for one more hour; after deprovisioning, never.
    if (
      agreement.licenseDeprovisioned ||
      (endedAt !== undefined && this.state.now() > endedAt + 3600_000) ||
      (endedAt !== undefined && ts > endedAt + 3600_000)
    ) {
      return result('CustomerNotSubscribed');
    }
    const hour = new Date(Math.floor(ts / 3600_000) * 3600_000).toISOString();
    const path = licenseArn ? 'LicenseArn' : 'ProductCode';
    // One record per customer, dimension and hour — per licence on the licence path (two licences of one
    // buyer in one hour are two records).
    const customerHour = `${agreement.productCode}|${agreement.acceptorAccountId}|${dimension}|${hour}`;
    const key = licenseArn ? `${customerHour}|LicenseArn|${licenseArn}` : `${customerHour}|ProductCode`;
    const existing = this.state.meteringRecords.get(key);
    if (existing) {
      // Identical records are idempotent (same id); a different quantity for that hour is not honoured.
      existing.sends += 1;
      if (existing.quantity === quantity) return result('Success', existing.meteringRecordId);
      existing.conflicts += 1;
      return result('DuplicateRecord', existing.meteringRecordId);
    }
    // The same customer and hour through the other path: AWS bills both.
    const other = licenseArn
      ? this.state.meteringRecords.get(`${customerHour}|ProductCode`)
      : [...this.state.meteringRecords.entries()].find(([k]) =>
          k.startsWith(`${customerHour}|LicenseArn|`),
        )?.[1];
    const accepted: MeteringRecord = {
      meteringRecordId: randomUUID(),
      productCode: agreement.productCode,
      customer: agreement.acceptorAccountId,
      path,
      licenseArn,
      customerAWSAccountId: accountId,
      customerIdentifier,
      dimension,
      quantity,
      timestamp: new Date(ts).toISOString(),
      hour,
      acceptedAt: new Date().toISOString(),
      doubleBilling: other ? true : undefined,
      sends: 1,
      conflicts: 0,
    };
    if (other) other.doubleBilling = true;
    this.state.meteringRecords.set(key, accepted);
    return result('Success', accepted.meteringRecordId);
  }
}
