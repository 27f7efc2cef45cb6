import { Injectable } from '@nestjs/common';
import { EntitlementStatus } from '@cppo/contracts';
import {
  EntitlementRepository,
  type Entitlement,
  type EntitlementKey,
  type EntitlementFilter,
  type Page,
  type PageRequest,
} from '@cppo/persistence';

/** Among a buyer's entitlements for one key, the one in force: active, else starting, else the newest. */
export function current(candidates: Entitlement[]): Entitlement | undefined {
  const rank = (e: Entitlement) =>
    e.status === EntitlementStatus.ACTIVE || e.status === EntitlementStatus.PENDING_CANCELLATION
      ? 0
      : e.status === EntitlementStatus.PENDING_START
        ? 1
        : 2;
  return [...candidates].sort((a, b) => rank(a) - rank(b) || b._id.localeCompare(a._id))[0];
}

/** How the ISV's application and the console read entitlements: lists, one by id, the one in force for a key. */
@Injectable()
export class EntitlementLookup {
  constructor(private readonly entitlements: EntitlementRepository) {}

  list(orgId: string, filter: EntitlementFilter, page: PageRequest): Promise<Page<Entitlement>> {
    return this.entitlements.list(orgId, filter, page);
  }

  /** The org's entitlement with this id, once an agreement fact made it one (else undefined). */
  async byId(orgId: string, id: string): Promise<Entitlement | undefined> {
    const entitlement = await this.entitlements.findVisible(orgId, id);
    return entitlement?.status ? entitlement : undefined;
  }

  /** The entitlement in force for a licence, a buyer and product, or a tenant. */
  async inForce(orgId: string, key: EntitlementKey): Promise<Entitlement | undefined> {
    return current(await this.entitlements.findAllBy(orgId, key));
  }
}
