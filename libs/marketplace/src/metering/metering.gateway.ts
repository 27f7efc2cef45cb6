import { Injectable } from '@nestjs/common';
import {
  BatchMeterUsageCommand,
  ResolveCustomerCommand,
  type MarketplaceMeteringClient,
} from '@aws-sdk/client-marketplace-metering';
import { AwsServiceEnv } from '@cppo/runtime';
import { AwsGateway } from '../aws-gateway';
import { createMeteringClient } from '../clients';
import { OrgAwsAccess } from '../org-aws-access';
import {
  awsRecordKey,
  awsRecordOf,
  type MeterUsageResult,
  type OverageRecord,
  type UsageCustomer,
} from './usage-records';

/** BatchMeterUsage takes at most 25 records a call. */
export const MAX_RECORDS_PER_METERING_CALL = 25;

/** Who a registration token (x-amzn-marketplace-token) is for, as ResolveCustomer answers. */
export interface ResolvedCustomer {
  productCode?: string;
  customerIdentifier?: string;
  customerAwsAccountId?: string;
  licenseArn?: string;
}

/** The key that groups records into one call: one org, one customer path, one product. */
export function meteringCallKey(orgId: string, customer: UsageCustomer | undefined): string {
  return `${orgId}|${customer?.path}|${customer?.productCode ?? ''}`;
}

/** The Metering Service (BatchMeterUsage, ResolveCustomer). */
@Injectable()
export class MeteringGateway extends AwsGateway<MarketplaceMeteringClient> {
  constructor(env: AwsServiceEnv, access: OrgAwsAccess) {
    super(env, access, createMeteringClient);
  }

  /**
   * One BatchMeterUsage call for up to 25 records of one customer path and product, not retried here: the
   * metering reporter retries on its own schedule, each retry a new claimed attempt that resends the
   * identical records. Throws AWS's error when the call is refused as a whole.
   */
  async meterUsage(orgId: string, records: OverageRecord[]): Promise<MeterUsageResult> {
    const first = records[0]?.customer;
    if (!first || records.length > MAX_RECORDS_PER_METERING_CALL)
      throw new RangeError(`a metering call takes 1-${MAX_RECORDS_PER_METERING_CALL} records`);
    const key = meteringCallKey(orgId, first);
    if (records.some((r) => meteringCallKey(orgId, r.customer) !== key))
      throw new RangeError('a metering call takes records of one customer path and one product');
    const usage = records.map(awsRecordOf);
    const client = await this.clientFor(orgId);
    const output = await client.send(
      new BatchMeterUsageCommand({
        UsageRecords: usage,
        ...(first.path === 'ProductCode' ? { ProductCode: first.productCode } : {}),
      }),
    );
    const idOf = new Map(usage.map((record, i) => [awsRecordKey(record), records[i].id]));
    const outcomes: MeterUsageResult['outcomes'] = new Map();
    for (const answer of output.Results ?? []) {
      const id = answer.UsageRecord && idOf.get(awsRecordKey(answer.UsageRecord));
      if (id) outcomes.set(id, { awsStatus: answer.Status, meteringRecordId: answer.MeteringRecordId });
    }
    return { outcomes, unprocessed: output.UnprocessedRecords?.length ?? 0 };
  }

  /**
   * Whether the org may meter: a BatchMeterUsage call with no records (it bills nothing; IAM judges the
   * call before its content). Throws AWS's error when not.
   */
  async probe(orgId: string): Promise<void> {
    await this.call(orgId, 'BatchMeterUsage', (client) =>
      client.send(new BatchMeterUsageCommand({ UsageRecords: [] })),
    );
  }

  async resolveCustomer(orgId: string, registrationToken: string): Promise<ResolvedCustomer> {
    const output = await this.call(orgId, 'ResolveCustomer', (client) =>
      client.send(new ResolveCustomerCommand({ RegistrationToken: registrationToken })),
    );
    return {
      productCode: output.ProductCode,
      customerIdentifier: output.CustomerIdentifier,
      customerAwsAccountId: output.CustomerAWSAccountId,
      licenseArn: output.LicenseArn,
    };
  }
}
