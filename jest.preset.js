const fs = require('node:fs');
const path = require('node:path');
const nxPreset = require('@nx/jest/preset').default;

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));

/** Shared by every project: swc for speed (with decorator metadata for Nest), node environment. */
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.integration-spec.ts'],
  coverageReporters: ['text-summary'],
};
