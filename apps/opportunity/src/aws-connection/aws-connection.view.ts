import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AwsCheck, AwsConnectionReport } from '@cppo/marketplace';
import type { AwsCheckJson, AwsConnectionJson } from '@cppo/views/types';

export class AwsCheckView implements AwsCheckJson {
  @ApiProperty({
    description: 'the AWS operation checked',
    enum: [
      'sts:AssumeRole',
      'catalog:DescribeEntity',
      'metering:BatchMeterUsage',
      'entitlement:GetEntitlements',
    ],
  })
  operation: string;
  @ApiProperty({ enum: ['OK', 'FAILED', 'SKIPPED'] }) status: string;
  @ApiPropertyOptional({
    description: 'what it was checked on (the role, the product), or why it was skipped',
  })
  detail?: string;
  @ApiPropertyOptional({ description: "AWS's error name, e.g. AccessDenied, AccessDeniedException" })
  error?: string;
  @ApiPropertyOptional({ description: "AWS's error message" }) message?: string;
}

/** Whether the hub can act for the org in AWS, check by check. */
export class AwsConnectionView implements AwsConnectionJson {
  @ApiProperty() checkedAt: string;
  @ApiProperty({ type: [String], description: "the org's seller accounts" }) accounts: string[];
  @ApiPropertyOptional({ description: 'the IAM role the hub assumes for the org' }) roleArn?: string;
  @ApiProperty({ description: 'no check failed' }) ok: boolean;
  @ApiProperty({ type: [AwsCheckView] }) checks: AwsCheckView[];

  static from(report: AwsConnectionReport): AwsConnectionView {
    return {
      checkedAt: report.checkedAt.toISOString(),
      accounts: report.accounts,
      roleArn: report.roleArn,
      ok: report.ok,
      checks: report.checks.map((c: AwsCheck) => ({ ...c })),
    };
  }
}
