export * from './offer.view';
export * from './entitlement.view';
export * from './chain.view';
export * from './metering.view';
export type * from './types';
