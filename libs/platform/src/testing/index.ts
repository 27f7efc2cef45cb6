/** Test helpers that boot apps the way runService does: `@cppo/platform/testing`. */
export * from './app';
export * from './orgs';
export * from './records';
export * from './metered-deals';
