import { OpportunityEventV1 } from './opportunity-event.v1';

/** `cppo.opportunity.expired.v1` */
export class OpportunityExpiredV1 extends OpportunityEventV1 {}
