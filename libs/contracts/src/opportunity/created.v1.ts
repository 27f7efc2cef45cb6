import { OpportunityEventV1 } from './opportunity-event.v1';

/** `cppo.opportunity.created.v1` */
export class OpportunityCreatedV1 extends OpportunityEventV1 {}
