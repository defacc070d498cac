/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/local', '<rootDir>/shared', '<rootDir>/cloudfunctions', '<rootDir>/scripts', '<rootDir>/database'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  // Type checking is `tsc --noEmit` in `npm test`; ts-jest only strips types so the suites start fast.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  testTimeout: 30000,
};
