import { Injectable } from '@nestjs/common';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { LRUCache } from 'lru-cache';
import { OrgRepository, type OrgAwsRole } from '@cppo/persistence';
import { AwsServiceEnv } from '@cppo/runtime';
import { awsClientOptionsFrom, type AwsClientOptions } from './clients';

/** How one org's AWS calls are made: its key in the client caches, and the client options. */
export interface OrgAwsConnection {
  /** `default`, or the role and external id: orgs sharing one role share clients. */
  key: string;
  options: AwsClientOptions;
}

/** An org unknown to this deployment: its AWS calls cannot be made. */
export class UnknownOrgError extends Error {
  override readonly name = 'UnknownOrgError';
}

/**
 * Who CPPO Hub is in AWS when it acts for an org. An org with an IAM role (`awsRole`) is reached by
 * assuming it with its external id (STS AssumeRole; the SDK's provider caches the session credentials and
 * renews them before they expire); one without it uses the deployment's own credentials (a single-org
 * install). Org settings are cached for a minute.
 */
@Injectable()
export class OrgAwsAccess {
  /** Per org: how its calls are made (built once per load) and its seller accounts. */
  private readonly orgs = new LRUCache<string, { connection: OrgAwsConnection; accounts: string[] }>({
    max: 10_000,
    ttl: 60_000,
  });
  private readonly base: AwsClientOptions;

  constructor(
    private readonly env: AwsServiceEnv,
    private readonly repository: OrgRepository,
  ) {
    this.base = { ...awsClientOptionsFrom(env), endpoint: env.MARKETPLACE_ENDPOINT, maxAttempts: 1 };
  }

  /** The org's AWS seller account ids. */
  async accountsOf(orgId: string): Promise<string[]> {
    return (await this.settingsOf(orgId)).accounts;
  }

  /**
   * The org's IAM role, when it has one, after assuming it now (STS AssumeRole with its external id):
   * throws STS's error when the role cannot be assumed. Undefined for an org on the deployment's own
   * credentials.
   */
  async assumeRoleNow(orgId: string): Promise<string | undefined> {
    const { role } = await this.load(orgId);
    if (!role) return undefined;
    // A fresh provider: the cached one would answer from its session without asking STS.
    const credentials = this.connect(orgId, role).options.credentials;
    if (typeof credentials === 'function') await credentials();
    return role.roleArn;
  }

  async connectionOf(orgId: string): Promise<OrgAwsConnection> {
    return (await this.settingsOf(orgId)).connection;
  }

  private async settingsOf(orgId: string): Promise<{ connection: OrgAwsConnection; accounts: string[] }> {
    let entry = this.orgs.get(orgId);
    if (!entry) {
      const { role, accounts } = await this.load(orgId);
      entry = { connection: this.connect(orgId, role), accounts };
      this.orgs.set(orgId, entry);
    }
    return entry;
  }

  /** The org's settings as stored (not cached): its role, when it has one, and its seller accounts. */
  private async load(orgId: string): Promise<{ role?: OrgAwsRole; accounts: string[] }> {
    const org = await this.repository.findById(orgId);
    if (!org) throw new UnknownOrgError(`org ${orgId} does not exist`);
    return { role: org.awsRole?.roleArn ? org.awsRole : undefined, accounts: org.awsAccountIds };
  }

  private connect(orgId: string, role: OrgAwsRole | undefined): OrgAwsConnection {
    if (!role) return { key: 'default', options: this.base };
    return {
      key: `${role.roleArn}|${role.externalId}`,
      options: {
        ...this.base,
        credentials: fromTemporaryCredentials({
          params: {
            RoleArn: role.roleArn,
            ExternalId: role.externalId,
            RoleSessionName: `cppo-hub-${orgId}`.slice(0, 64),
            DurationSeconds: 3600,
          },
          masterCredentials: this.base.credentials,
          clientConfig: {
            region: this.env.AWS_REGION,
            endpoint: this.env.STS_ENDPOINT ?? this.env.MARKETPLACE_ENDPOINT,
          },
        }),
      },
    };
  }
}
