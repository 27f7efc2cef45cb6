export * from './clients';
export * from './errors';
export * from './gateways';
export * from './org-aws-access';
