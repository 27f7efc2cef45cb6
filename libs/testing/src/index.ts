export * from './infra';
export * from './child-process';
export * from './sqs-emulator';
export * from './sqs-queue';
export * from './marketplace-sim';
export * from './tcp-proxy';
export * from './notifications';
export * from './mongo-server';
