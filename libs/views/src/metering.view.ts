import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MeteringReportStatus } from '@cppo/contracts';
import type { MeteringReport } from '@cppo/persistence';
import type { EntitlementUsageJson, HourlyUsageJson, MeteringReportJson } from './types';

/** One (entitlement, dimension, hour) of the metering ledger. */
export class MeteringReportView implements MeteringReportJson {
  @ApiProperty() id: string;
  @ApiProperty() entitlementId: string;
  @ApiPropertyOptional() agreementId?: string;
  @ApiProperty() dimension: string;
  @ApiProperty({ description: 'start of the UTC hour' }) hour: string;
  @ApiProperty({ description: 'usage in the hour when the report was made' }) usage: number;
  @ApiProperty({ description: "included by the entitlement's grant (per hour)" }) included: number;
  @ApiProperty({ description: 'usage above the included quantity: what AWS is sent' }) overage: number;
  @ApiPropertyOptional({ description: 'our wholesale usage price, decimal string' }) wholesalePrice?: string;
  @ApiPropertyOptional({ description: 'overage × wholesale price, decimal string' }) wholesaleValue?: string;
  @ApiProperty({ enum: MeteringReportStatus }) status: MeteringReportStatus;
  @ApiPropertyOptional({ description: "AWS's MeteringRecordId" }) meteringRecordId?: string;
  @ApiPropertyOptional({ description: "AWS's status for the record, or the error that ended it" })
  awsStatus?: string;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional() lastError?: string;
  @ApiPropertyOptional() nextAttemptAt?: string;
  @ApiPropertyOptional() reportedAt?: string;
  @ApiProperty({ description: 'needs a person' }) flagged: boolean;
  @ApiPropertyOptional({ description: 'usage that arrived after the report was made (not billed)' })
  lateQuantity?: number;
  @ApiPropertyOptional({ enum: ['LicenseArn', 'ProductCode'], description: 'how AWS was told the customer' })
  customerPath?: string;

  static from(r: MeteringReport): MeteringReportView {
    return {
      id: r._id,
      entitlementId: r.entitlementId,
      agreementId: r.agreementId,
      dimension: r.dimension,
      hour: r.hour.toISOString(),
      usage: r.usageQuantity,
      included: r.includedQuantity,
      overage: r.overageQuantity,
      wholesalePrice: r.wholesalePrice,
      wholesaleValue: r.wholesaleValue,
      status: r.status,
      meteringRecordId: r.meteringRecordId,
      awsStatus: r.awsStatus,
      attempts: r.attempts,
      lastError: r.lastError,
      nextAttemptAt: r.status === MeteringReportStatus.PENDING ? r.nextAttemptAt?.toISOString() : undefined,
      reportedAt: r.reportedAt?.toISOString(),
      flagged: r.flagged === true,
      lateQuantity: r.lateQuantity,
      customerPath: r.customer?.path,
    };
  }
}

/** Usage of one entitlement in one hour and dimension, reported or not yet. */
export class HourlyUsageView implements HourlyUsageJson {
  @ApiProperty({ description: 'start of the UTC hour' }) hour: string;
  @ApiProperty() dimension: string;
  @ApiProperty({ description: 'all usage recorded for the hour (late usage included)' }) usage: number;
  @ApiProperty() included: number;
  @ApiProperty({ description: 'what AWS is (or will be) sent' }) overage: number;
  @ApiPropertyOptional() wholesaleValue?: string;
  @ApiProperty({
    enum: ['OPEN', ...Object.values(MeteringReportStatus)],
    description: 'OPEN: the hour has no report yet (not closed, or the reporter has not run since)',
  })
  status: string;
  @ApiPropertyOptional() meteringRecordId?: string;
  @ApiPropertyOptional() reportId?: string;
  @ApiPropertyOptional({ description: 'usage that arrived after the report was made (not billed)' })
  lateQuantity?: number;
}

export class EntitlementUsageView implements EntitlementUsageJson {
  @ApiProperty() entitlementId: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [HourlyUsageView], description: 'oldest hour first' }) hours: HourlyUsageView[];
}
