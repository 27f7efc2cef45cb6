import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from './aws-errors';
import type { World } from './world';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@/-]{1,64})$/;
const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

interface Session {
  accountId: string;
  expiresAt: number;
}

/**
 * AWS STS as far as CPPO Hub uses it: AssumeRole (Query protocol, XML answers) into a seller account's
 * role, and the session credentials it hands out — afterwards the simulator treats calls signed with them
 * as calls by that account. A role registered with an external id (scenario API) is assumed only with it,
 * as an IAM trust policy with `sts:ExternalId` would have it; other roles of the world's sellers are open.
 */
export class StsService {
  private readonly sessions = new Map<string, Session>();
  private readonly externalIds = new Map<string, string>();

  constructor(
    private readonly world: () => World,
    private readonly now: () => number,
  ) {}

  /** Scenario: the role's trust policy requires this external id. */
  registerRole(roleArn: unknown, externalId: unknown): { roleArn: string } {
    if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn))
      throw new Error('roleArn must be an IAM role ARN');
    if (typeof externalId !== 'string' || !externalId) throw new Error('externalId is required');
    this.externalIds.set(roleArn, externalId);
    return { roleArn };
  }

  reset(): void {
    this.sessions.clear();
    this.externalIds.clear();
  }

  /** The account a session's access key acts as; undefined for keys STS did not issue. */
  accountOf(accessKeyId: string): string | undefined {
    const session = this.sessions.get(accessKeyId);
    if (!session) return undefined;
    if (session.expiresAt <= this.now())
      throw new AwsError(
        'ExpiredTokenException',
        400,
        'The security token included in the request is expired',
      );
    return session.accountId;
  }

  isSessionKey(accessKeyId: string): boolean {
    return accessKeyId.startsWith('ASIA');
  }

  assumeRole(input: Record<string, string>): string {
    const roleArn = input['RoleArn'] ?? '';
    const match = ROLE_ARN.exec(roleArn);
    if (!match) throw stsError('ValidationError', 400, `RoleArn ${roleArn || '(none)'} is not a role ARN`);
    const sessionName = input['RoleSessionName'] ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
      throw stsError('ValidationError', 400, 'RoleSessionName must be 2-64 characters of [\\w+=,.@-]');
    const [, accountId, roleName] = match;
    const denied = stsError(
      'AccessDenied',
      403,
      `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
    if (!this.world().sellers.some((s) => s.accountId === accountId)) throw denied;
    const required = this.externalIds.get(roleArn);
    if (required !== undefined && input['ExternalId'] !== required) throw denied;
    const seconds = Number(input['DurationSeconds'] ?? 3600);
    if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200)
      throw stsError('ValidationError', 400, 'DurationSeconds must be between 900 and 43200');
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const expiresAt = this.now() + seconds * 1000;
    this.sessions.set(accessKeyId, { accountId, expiresAt });
    return `<AssumeRoleResponse xmlns="${XMLNS}">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
      <SecretAccessKey>${randomBytes(30).toString('base64')}</SecretAccessKey>
      <SessionToken>${randomBytes(48).toString('base64')}</SessionToken>
      <Expiration>${new Date(expiresAt).toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${sessionName}</AssumedRoleId>
      <Arn>arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
  }
}

function stsError(code: string, status: number, message: string): AwsError {
  return new AwsError(code, status, message);
}

/** STS's error document (Query protocol). */
export function stsErrorXml(error: AwsError): string {
  const escaped = error.message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${error.type}</Code><Message>${escaped}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}
