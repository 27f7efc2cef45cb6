import { OpportunityEventV1 } from './opportunity-event.v1';

/** `cppo.opportunity.published.v1` */
export class OpportunityPublishedV1 extends OpportunityEventV1 {}
