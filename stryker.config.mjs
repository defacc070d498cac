// @ts-check
/**
 * `npm run mutation`: StrykerJS over the order rails and the learning access code, with the tests that exercise them
 * (jest.mutation.config.js). A benchmark of the tests, not part of `npm test`. Reports go to artifacts/mutation/.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: [
    'shared/orders/**/*.ts',
    '!shared/orders/**/__tests__/**',
    'shared/learning/access.ts',
    'shared/grants/*.ts',
  ],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.mutation.config.js',
    // The cloud function tests reach the mutated code through esbuild bundles the local cloud loads at run time, which
    // jest's --findRelatedTests cannot see; per-test coverage picks each mutant's tests instead.
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // Results are kept so that a re-run after a fix tests only what changed (`npm run mutation -- --force` for all).
  incremental: true,
  incrementalFile: 'artifacts/mutation/stryker-incremental.json',
  reporters: ['progress', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: 'artifacts/mutation/index.html' },
  jsonReporter: { fileName: 'artifacts/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // The target for shared/orders: 85 % killed. Never fails the run: the score is a figure to report.
  thresholds: { high: 90, low: 85, break: null },
  // The sandbox copies of the project live in git-, eslint- and prettier-ignored artifacts/, and do not copy it.
  tempDirName: 'artifacts/stryker-tmp',
  ignorePatterns: ['/artifacts', '/build', '/coverage', '/.local-cloud', '/miniprogram', '/examples'],
};
