const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

/** Every apps/*, libs/* and tools/* project that has a jest config. */
const projects = ['apps', 'libs', 'tools'].flatMap((dir) =>
  existsSync(join(__dirname, dir))
    ? readdirSync(join(__dirname, dir))
        .map((name) => join(__dirname, dir, name, 'jest.config.js'))
        .filter((file) => existsSync(file))
    : [],
);

/**
 * `npm test`: every project's unit and integration tests in one jest run. The global setup starts what
 * the integration tests need (the Mongo provider; RabbitMQ when it can) once for the whole run.
 */
module.exports = {
  projects,
  globalSetup: '<rootDir>/tools/test/global-setup.js',
  globalTeardown: '<rootDir>/tools/test/global-teardown.js',
  reporters: ['default', '<rootDir>/tools/test/summary-reporter.js'],
  // testTimeout is a global option: in a project's config jest ignores it
  testTimeout: 30000,
};
