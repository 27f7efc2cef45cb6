// What the console may load in a browser: plain types and pure functions, nothing that needs Node or
// decorators (`@cppo/contracts/browser`).
export type { LegalDocument, OpportunityTerms } from './opportunity/opportunity-terms';
export * from './opportunity/opportunity.rules';
export * from './enums';
export * from './time';
export * from './webhook-types';
