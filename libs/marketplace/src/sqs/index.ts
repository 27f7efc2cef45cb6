// A separate entry point (`@cppo/marketplace/sqs`): only offer-ingest consumes the queue, and only its
// image should carry sqs-consumer.
export * from './notification-queue';
