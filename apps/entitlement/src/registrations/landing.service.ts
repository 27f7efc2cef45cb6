import { createHash, randomBytes } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  GoneException,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RoutingKeys } from '@cppo/contracts';
import { classifyAwsError, isPermissionError, type ResolvedCustomer } from '@cppo/marketplace';
import { buildEnvelope, deterministicMessageId } from '@cppo/messaging';
import {
  BuyerRegistrationRepository,
  BuyerRegistrationStatus,
  EntitlementRepository,
  OrgRepository,
  type BuyerRegistration,
  type Entitlement,
} from '@cppo/persistence';
import { PeriodicTask } from '@cppo/runtime';
import { EntitlementEnv } from '../config/entitlement.env';
import { RegistrationService } from './registration.service';

/** What the signup page gets instead of a token when the landing could not resolve the buyer. */
export type LandingError =
  | 'missing_token'
  | 'invalid_token'
  | 'expired_token'
  | 'not_authorized'
  | 'aws_unavailable';

export interface Redeemed {
  status: 'LINKED' | 'PENDING';
  registration: BuyerRegistration;
  entitlement?: Entitlement;
}

/** Our token → the registration's `_id`: a hash, so the stored id cannot be redeemed by itself. */
export function registrationIdOf(token: string): string {
  return `reg_${createHash('sha256').update(token).digest('hex').slice(0, 35)}`;
}

/**
 * AWS's registration POST, landed: the buyer's `x-amzn-marketplace-token` is resolved (ResolveCustomer as
 * the org) and kept as a registration; the buyer goes on to the ISV's signup page with an opaque token of
 * ours (single use, REGISTRATION_TOKEN_TTL_MS), which the ISV redeems with its tenant id. A registration
 * redeemed before its entitlement exists links when the entitlement arrives; either way
 * `cppo.registration.completed.v1` says so.
 */
@Injectable()
export class LandingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LandingService.name);
  /**
   * Orgs seen without a pending registration, for 5 s: most entitlement events then cost no query (the
   * query scans on FerretDB). A redemption here forgets its org at once; one on another replica within those
   * 5 s is linked by the sweep (`sweepPending`, every ENTITLEMENT_SWEEP_MS).
   */
  private readonly nonePending = new LRUCache<string, true>({ max: 10_000, ttl: 5000 });
  private readonly sweep: PeriodicTask;
  private readonly httpHosts: Set<string>;

  constructor(
    private readonly registrations: BuyerRegistrationRepository,
    private readonly service: RegistrationService,
    private readonly orgs: OrgRepository,
    private readonly entitlements: EntitlementRepository,
    private readonly env: EntitlementEnv,
  ) {
    this.sweep = new PeriodicTask({
      name: 'pending-registrations',
      everyMs: env.ENTITLEMENT_SWEEP_MS,
      jitter: 0.1,
      run: () => this.sweepPending(),
    });
    this.httpHosts = new Set(
      env.SIGNUP_URL_HTTP_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    );
  }

  onApplicationBootstrap(): void {
    this.sweep.start(this.env.ENTITLEMENT_SWEEP_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }

  async setSignupUrl(orgId: string, signupUrl: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(signupUrl);
    } catch {
      throw new BadRequestException(['signupUrl must be an absolute http(s) URL']);
    }
    if (
      url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && this.httpHosts.has(url.hostname.toLowerCase()))
    )
      throw new BadRequestException([
        `signupUrl must use https (http only to SIGNUP_URL_HTTP_HOSTS): ${url.protocol} refused`,
      ]);
    await this.registrations.setSignupUrl(orgId, url.toString());
  }

  signupUrl(orgId: string): Promise<string | undefined> {
    return this.registrations.signupUrl(orgId);
  }

  /** The URL the buyer is sent to (302): the signup page with our token, or with an error code. */
  async land(orgId: string, awsToken: unknown): Promise<string> {
    const signupUrl =
      /^org_[0-9a-f]{24,35}$/.test(orgId) && (await this.orgs.findById(orgId))
        ? await this.signupUrl(orgId)
        : undefined;
    if (!signupUrl) throw new NotFoundException(`no org ${orgId} with a signup URL`);
    const to = (params: Record<string, string>) => {
      const url = new URL(signupUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    };
    if (typeof awsToken !== 'string' || !awsToken.trim() || awsToken.length > 4096)
      return to({ cppo_registration_error: 'missing_token' });
    let resolved: ResolvedCustomer;
    try {
      resolved = await this.service.resolve(orgId, awsToken.trim());
    } catch (error) {
      const code = landingError(error);
      this.logger.warn(`registration POST for org ${orgId} not resolved: ${code} (${describe(error)})`);
      return to({ cppo_registration_error: code });
    }
    if (!resolved.customerAwsAccountId || !resolved.productCode)
      return to({ cppo_registration_error: 'invalid_token' });
    const token = `crt_${randomBytes(32).toString('base64url')}`;
    await this.registrations.create({
      _id: registrationIdOf(token),
      orgId,
      status: BuyerRegistrationStatus.RESOLVED,
      customerAwsAccountId: resolved.customerAwsAccountId,
      productCode: resolved.productCode,
      ...(resolved.customerIdentifier ? { customerIdentifier: resolved.customerIdentifier } : {}),
      ...(resolved.licenseArn ? { licenseArn: resolved.licenseArn } : {}),
      expiresAt: new Date(Date.now() + this.env.REGISTRATION_TOKEN_TTL_MS),
    });
    return to({ cppo_registration: token });
  }

  /** Our token and the ISV's tenant → linked now, or pending until the entitlement arrives. Once only. */
  async redeem(orgId: string, token: string, tenantId: string): Promise<Redeemed> {
    const id = registrationIdOf(token);
    const found = await this.registrations.find(orgId, id);
    if (!found) throw new NotFoundException('registration token not found');
    if (found.status !== BuyerRegistrationStatus.RESOLVED)
      throw new ConflictException('registration token already redeemed');
    if (new Date(found.expiresAt) < new Date())
      throw new GoneException('registration token expired: the buyer must start again from AWS');
    // Claimed first (PENDING), looked up after: an entitlement written meanwhile is found here or by the
    // consumer of its event, which runs after it was written and sees the claim.
    const claimed = await this.registrations.redeem(orgId, id, tenantId);
    if (!claimed) throw new ConflictException('registration token already redeemed');
    this.nonePending.delete(orgId);
    const entitlement = await this.tryLink(claimed);
    const registration = entitlement ? ((await this.complete(claimed, entitlement)) ?? claimed) : claimed;
    return {
      status: entitlement ? 'LINKED' : 'PENDING',
      registration,
      ...(entitlement ? { entitlement } : {}),
    };
  }

  /** An entitlement arrived or changed: the org's pending registrations it answers are linked. */
  async entitlementChanged(orgId: string, entitlementId: string): Promise<void> {
    if (this.nonePending.has(orgId)) return;
    const pending = await this.registrations.pending(orgId);
    if (!pending.length) {
      this.nonePending.set(orgId, true);
      return;
    }
    const entitlement = await this.entitlements.findById(orgId, entitlementId);
    if (!entitlement) return;
    for (const registration of pending) {
      const answers = registration.licenseArn
        ? registration.licenseArn === entitlement.licenseArn
        : registration.customerAwsAccountId === entitlement.buyerAccountId &&
          registration.productCode === entitlement.productCode;
      if (!answers) continue;
      const linked = await this.tryLink(registration);
      if (linked) await this.complete(registration, linked);
    }
  }

  /**
   * Every pending registration whose entitlement is there by now: what an entitlement event could not link
   * (it was handled on a replica that had just seen none pending, or before a crash), within a sweep.
   */
  async sweepPending(): Promise<void> {
    for (const registration of await this.registrations.pending(undefined, 100)) {
      const linked = await this.tryLink(registration).catch((error: Error) => {
        this.logger.warn(`registration ${registration._id} not linked: ${error.message}`);
        return null;
      });
      if (linked) await this.complete(registration, linked);
    }
  }

  private async tryLink(registration: BuyerRegistration): Promise<Entitlement | null> {
    try {
      return await this.service.link(
        registration.orgId,
        resolvedOf(registration),
        registration.tenantId as string,
      );
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      await this.registrations.failed(registration.orgId, registration._id, error.message);
      throw error;
    }
  }

  private complete(
    registration: BuyerRegistration,
    entitlement: Entitlement,
  ): Promise<BuyerRegistration | null> {
    const event = buildEnvelope(
      RoutingKeys.RegistrationCompleted,
      {
        registrationId: registration._id,
        entitlementId: entitlement._id,
        tenantId: registration.tenantId as string,
        customerAwsAccountId: registration.customerAwsAccountId,
        productCode: registration.productCode,
        licenseArn: registration.licenseArn ?? entitlement.licenseArn,
      },
      {
        orgId: registration.orgId,
        messageId: deterministicMessageId(`${registration._id}:completed`),
        correlationId: entitlement.agreementId,
      },
    );
    return this.registrations.linked(registration.orgId, registration._id, entitlement._id, [event]);
  }
}

function resolvedOf(registration: BuyerRegistration): ResolvedCustomer {
  return {
    customerAwsAccountId: registration.customerAwsAccountId,
    productCode: registration.productCode,
    ...(registration.customerIdentifier ? { customerIdentifier: registration.customerIdentifier } : {}),
    ...(registration.licenseArn ? { licenseArn: registration.licenseArn } : {}),
  };
}

/** AWS's refusal as a code the signup page can act on (never its message, never a stack). */
function landingError(error: unknown): LandingError {
  const cause = error instanceof BadRequestException ? (error.cause ?? error) : error;
  const name = (cause as Error)?.name;
  if (name === 'ExpiredTokenException') return 'expired_token';
  if (name === 'InvalidTokenException') return 'invalid_token';
  if (isPermissionError(cause)) return 'not_authorized';
  return classifyAwsError(cause) === 'client' ? 'invalid_token' : 'aws_unavailable';
}

function describe(error: unknown): string {
  const e = (error instanceof BadRequestException ? (error.cause ?? error) : error) as Error;
  return `${e?.name}: ${e?.message}`;
}
