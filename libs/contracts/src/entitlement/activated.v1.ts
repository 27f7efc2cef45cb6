import { EntitlementEventV1 } from './entitlement-event.v1';

/** `cppo.entitlement.activated.v1` */
export class EntitlementActivatedV1 extends EntitlementEventV1 {}
