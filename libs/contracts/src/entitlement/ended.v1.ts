import { EntitlementEventV1 } from './entitlement-event.v1';

/** `cppo.entitlement.ended.v1` */
export class EntitlementEndedV1 extends EntitlementEventV1 {}
