export * from './periodic-task';
export * from './retry-policy';
export * from './config/base.env';
export * from './concurrency';
export * from './group-commit';
