export * from './simulator';
export * from './world';
export type { FaultRule } from './faults';
export type { DeliveryOptions } from './events';
