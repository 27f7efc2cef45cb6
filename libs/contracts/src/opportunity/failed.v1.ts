import { OpportunityEventV1 } from './opportunity-event.v1';

/** `cppo.opportunity.failed.v1` */
export class OpportunityFailedV1 extends OpportunityEventV1 {}
