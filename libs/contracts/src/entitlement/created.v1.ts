import { EntitlementEventV1 } from './entitlement-event.v1';

/**
 * `cppo.entitlement.created.v1`: the hub holds a new entitlement (its first event; an entitlement created
 * ACTIVE also gets `cppo.entitlement.activated.v1`).
 */
export class EntitlementCreatedV1 extends EntitlementEventV1 {}
