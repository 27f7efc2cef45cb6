// The AWS boundary: gateways take and return the project's own types; the AWS shapes and their mappings
// (change sets, usage records, results) stay inside this library.
export * from './clients';
export * from './errors';
export * from './aws-gateway';
export * from './org-aws-access';
export * from './catalog/product';
export type { ChangeSetError, ChangeSetOutcome } from './catalog/change-set.outcome';
export * from './catalog/catalog.gateway';
export * from './agreement/agreement.gateway';
export * from './entitlement/entitlement.gateway';
export type {
  MeterUsageResult,
  OverageOutcome,
  OverageRecord,
  UsageCustomer,
} from './metering/usage-records';
export { MAX_USAGE_QUANTITY } from './metering/usage-records';
export * from './metering/metering.gateway';
export * from './marketplace.module';
export * from './connection/aws-connection.check';
export * from './sdds/sdds.gateway';
