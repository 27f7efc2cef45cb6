export * from './infra';
export * from './child-process';
export * from './sqs-emulator';
export * from './app';
export * from './orgs';
