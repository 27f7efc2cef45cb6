import { Injectable } from '@nestjs/common';
import { CatalogGateway } from '../catalog/catalog.gateway';
import { EntitlementGateway } from '../entitlement/entitlement.gateway';
import { MeteringGateway } from '../metering/metering.gateway';
import { OrgAwsAccess } from '../org-aws-access';

/** One thing checked: the AWS operation, whether AWS allowed it, and AWS's own error when not. */
export interface AwsCheck {
  /** `sts:AssumeRole`, `catalog:DescribeEntity`, `metering:BatchMeterUsage`, `entitlement:GetEntitlements`. */
  operation: string;
  status: 'OK' | 'FAILED' | 'SKIPPED';
  /** What it was checked on (the role, the product), or why it was skipped. */
  detail?: string;
  /** AWS's error name (AccessDenied, AccessDeniedException, ...) and message. */
  error?: string;
  message?: string;
}

export interface AwsConnectionReport {
  checkedAt: Date;
  /** The org's seller accounts; the checks run as the org's connection (its role, or the deployment's). */
  accounts: string[];
  roleArn?: string;
  ok: boolean;
  checks: AwsCheck[];
}

/**
 * "Check my AWS connection": can the hub act for the org in AWS? The role is assumed (when the org has
 * one), the Catalog reached (ListEntities and DescribeEntity of one of its SaaS products), and metering and
 * entitlement reads permitted — with calls that bill nothing and change nothing: BatchMeterUsage with no
 * records, GetEntitlements for a customer that does not exist.
 */
@Injectable()
export class AwsConnectionCheck {
  constructor(
    private readonly access: OrgAwsAccess,
    private readonly catalog: CatalogGateway,
    private readonly metering: MeteringGateway,
    private readonly entitlements: EntitlementGateway,
  ) {}

  /** `productCode`: one the org's buyers are known to hold (else a placeholder code: see `entitlement`). */
  async check(orgId: string, productCode?: string): Promise<AwsConnectionReport> {
    const checks: AwsCheck[] = [];
    const accounts = await this.access.accountsOf(orgId);
    let roleArn: string | undefined;
    try {
      roleArn = await this.access.assumeRoleNow(orgId);
      checks.push(
        roleArn
          ? { operation: 'sts:AssumeRole', status: 'OK', detail: roleArn }
          : {
              operation: 'sts:AssumeRole',
              status: 'SKIPPED',
              detail: "no role: the deployment's own credentials",
            },
      );
    } catch (error) {
      checks.push({ operation: 'sts:AssumeRole', status: 'FAILED', ...awsError(error) });
      for (const operation of [
        'catalog:DescribeEntity',
        'metering:BatchMeterUsage',
        'entitlement:GetEntitlements',
      ])
        checks.push({ operation, status: 'SKIPPED', detail: 'the role could not be assumed' });
      return { checkedAt: new Date(), accounts, ok: false, checks };
    }
    checks.push(
      await attempt('catalog:DescribeEntity', async () => {
        const product = await this.catalog.anyProduct(orgId);
        return product
          ? `${product.id}${product.name ? ` (${product.name})` : ''}`
          : 'no SaaS product listed';
      }),
      await attempt('metering:BatchMeterUsage', async () => {
        await this.metering.probe(orgId);
        return 'a call with no records';
      }),
      await this.entitlement(orgId, productCode),
    );
    return {
      checkedAt: new Date(),
      accounts,
      roleArn,
      ok: checks.every((c) => c.status !== 'FAILED'),
      checks,
    };
  }

  /**
   * GetEntitlements for a customer that does not exist. Without a product code of the org's buyers a
   * well-formed placeholder is asked: AWS judges permission before the product, so InvalidParameterException
   * (the product is not the account's) means the call itself was allowed.
   */
  private async entitlement(orgId: string, productCode: string | undefined): Promise<AwsCheck> {
    const operation = 'entitlement:GetEntitlements';
    try {
      await this.entitlements.probe(orgId, productCode ?? 'cppohubconnectioncheck');
      return { operation, status: 'OK', detail: productCode ?? 'placeholder product code' };
    } catch (error) {
      if (!productCode && (error as Error).name === 'InvalidParameterException')
        return { operation, status: 'OK', detail: 'permitted (no product code known yet to ask about)' };
      return { operation, status: 'FAILED', ...awsError(error) };
    }
  }
}

async function attempt(operation: string, run: () => Promise<string>): Promise<AwsCheck> {
  try {
    return { operation, status: 'OK', detail: await run() };
  } catch (error) {
    return { operation, status: 'FAILED', ...awsError(error) };
  }
}

function awsError(error: unknown): Pick<AwsCheck, 'error' | 'message'> {
  const e = error as Error;
  return { error: e.name, message: e.message };
}
