import { EntitlementEventV1 } from './entitlement-event.v1';

/** `cppo.entitlement.updated.v1` */
export class EntitlementUpdatedV1 extends EntitlementEventV1 {}
