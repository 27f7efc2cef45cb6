import type { UsageRecord as AwsUsageRecord } from '@aws-sdk/client-marketplace-metering';

/**
 * Who a metering record is for: a licence (AWS's `LicenseArn` path, with the buyer's account) or, for
 * integrations made before licences, the customer identifier of a product (`ProductCode` path).
 */
export interface UsageCustomer {
  path: 'LicenseArn' | 'ProductCode';
  licenseArn?: string;
  customerAwsAccountId?: string;
  customerIdentifier?: string;
  productCode?: string;
}

/** One hour's overage of one dimension for one customer: what the project reports to AWS. */
export interface OverageRecord {
  /** The caller's id for the record (a metering report id): outcomes are keyed by it. */
  id: string;
  customer: UsageCustomer;
  dimension: string;
  hour: Date;
  /** When the usage is said to have happened: the hour's start, or the licence's start within the hour. */
  timestamp?: Date;
  quantity: number;
}

/** AWS's `UsageRecord.Quantity`: an integer 0..2^31-1. */
export const MAX_USAGE_QUANTITY = 2 ** 31 - 1;

/** AWS's answer for one record of a call. */
export interface OverageOutcome {
  /** BatchMeterUsage's per-record status: Success, DuplicateRecord, CustomerNotSubscribed, ... */
  awsStatus?: string;
  meteringRecordId?: string;
}

/** AWS's answer to one call: per record id; an id absent from `outcomes` got no answer. */
export interface MeterUsageResult {
  outcomes: Map<string, OverageOutcome>;
  /** How many records AWS returned in UnprocessedRecords (to be sent again). */
  unprocessed: number;
}

/**
 * The record AWS is sent: always the same for the same report (Timestamp = the hour's start, or the
 * licence's start in its first partial hour).
 */
export function awsRecordOf(record: OverageRecord): AwsUsageRecord {
  const { customer } = record;
  const timestamp = record.timestamp ?? record.hour;
  return customer.path === 'LicenseArn'
    ? {
        Timestamp: timestamp,
        Dimension: record.dimension,
        Quantity: record.quantity,
        CustomerAWSAccountId: customer.customerAwsAccountId,
        LicenseArn: customer.licenseArn,
      }
    : {
        Timestamp: timestamp,
        Dimension: record.dimension,
        Quantity: record.quantity,
        CustomerIdentifier: customer.customerIdentifier,
      };
}

/** A record's identity in AWS's answer (AWS echoes each record it answers for). */
export function awsRecordKey(r: AwsUsageRecord): string {
  const time = r.Timestamp instanceof Date ? r.Timestamp.getTime() : new Date(r.Timestamp as never).getTime();
  return [r.Dimension, time, r.LicenseArn ?? r.CustomerIdentifier, r.CustomerAWSAccountId ?? ''].join('|');
}
