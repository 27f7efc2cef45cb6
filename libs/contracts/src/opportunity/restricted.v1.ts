import { OpportunityEventV1 } from './opportunity-event.v1';

/** `cppo.opportunity.restricted.v1` */
export class OpportunityRestrictedV1 extends OpportunityEventV1 {}
