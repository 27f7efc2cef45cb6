/** Test data of the contracts (never exported from the production barrel): `@cppo/contracts/testing`. */
export * as notificationFixtures from './notifications';
