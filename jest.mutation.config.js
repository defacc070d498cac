/**
 * The jest config of `npm run mutation` (stryker.config.mjs): only the tests that exercise the mutated code, the
 * order rails and the learning access code, so each mutant runs as few test files as possible.
 */
const path = require('node:path');
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/shared', '<rootDir>/cloudfunctions'],
  testMatch: [
    '<rootDir>/shared/{orders,learning,grants}/**/__tests__/**/*.test.ts',
    '<rootDir>/cloudfunctions/{order,orderSweep,payNotify,xpayNotify,learning}/__tests__/**/*.test.ts',
  ],
  // An absolute path: Stryker's jest runner loads the environment itself and does not expand <rootDir>.
  testEnvironment: path.join(__dirname, 'jest.mutation.environment.js'),
  testSequencer: path.join(__dirname, 'jest.mutation.sequencer.js'),
  // Instrumented code with per-test coverage runs several times slower; a mutant that hangs is Stryker's timeout.
  testTimeout: 180_000,
};
