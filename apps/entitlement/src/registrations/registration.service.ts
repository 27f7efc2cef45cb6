import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { classifyAwsError, MeteringGateway, type ResolvedCustomer } from '@cppo/marketplace';
import { EntitlementRepository, type Entitlement } from '@cppo/persistence';
import { EntitlementLookup } from '../entitlements/entitlement-lookup.service';

/**
 * A buyer who subscribes lands on the ISV's registration page with `x-amzn-marketplace-token`; the ISV
 * sends it with its own tenant id. ResolveCustomer says which licence (or customer) the token is for; the
 * entitlement in force for it gets the tenant id. The same token and tenant again → the same answer. A
 * tenant id names one buyer: on another buyer's entitlement it is refused (409).
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly metering: MeteringGateway,
    private readonly lookup: EntitlementLookup,
    private readonly entitlements: EntitlementRepository,
  ) {}

  async register(orgId: string, token: string, tenantId: string): Promise<Entitlement> {
    const entitlement = await this.link(orgId, await this.resolve(orgId, token), tenantId);
    // Not what the token resolved to: it may be another org's buyer (#25).
    if (!entitlement)
      throw new NotFoundException(
        "no entitlement of this org for this token yet: AWS's notifications may not have arrived; try again shortly",
      );
    return entitlement;
  }

  /**
   * Gives the entitlement in force for what ResolveCustomer answered the tenant id; null when there is none
   * yet. 409 when the tenant is another buyer's, or the entitlement another tenant's.
   */
  async link(orgId: string, resolved: ResolvedCustomer, tenantId: string): Promise<Entitlement | null> {
    // By licence when AWS names one; else by the buyer's account and the product code (ResolveCustomer
    // answers a product code, which entitlements keep from the licence event: not the product id).
    const key = resolved.licenseArn
      ? { licenseArn: resolved.licenseArn }
      : resolved.customerAwsAccountId && resolved.productCode
        ? { buyerAccountId: resolved.customerAwsAccountId, productCode: resolved.productCode }
        : undefined;
    if (!key)
      throw new BadRequestException([
        'token: AWS resolved it to neither a licence nor a customer account and product',
      ]);
    const entitlement = await this.lookup.inForce(orgId, key);
    if (!entitlement) return null;
    if (entitlement.tenantId === tenantId) return entitlement; // registered already
    // One tenant is one buyer: its id on another buyer's entitlement is refused (a renewal or a replacement
    // of the same buyer carries the registration over by itself).
    const holders = await this.entitlements.findAllBy(orgId, { tenantId }, 10);
    if (holders.some((held) => held.buyerAccountId !== entitlement.buyerAccountId))
      throw new ConflictException(`tenantId ${tenantId} is registered to another buyer's entitlement`);
    const registered = await this.entitlements.register(orgId, entitlement._id, {
      tenantId,
      customerIdentifier: resolved.customerIdentifier,
      registeredAt: entitlement.registeredAt ?? new Date(),
    });
    if (!registered)
      throw new ConflictException(`entitlement ${entitlement._id} is registered to another tenant`);
    return registered;
  }

  /** ResolveCustomer as the org's account; AWS refusing the token is the caller's 400. */
  async resolve(orgId: string, token: string): Promise<ResolvedCustomer> {
    try {
      return await this.metering.resolveCustomer(orgId, token);
    } catch (error) {
      if (classifyAwsError(error) !== 'client') throw error;
      const e = error as Error;
      throw new BadRequestException([`token: AWS refused it (${e.name}: ${e.message})`], { cause: error });
    }
  }
}
