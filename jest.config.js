/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/miniprogram',
    '<rootDir>/local',
    '<rootDir>/shared',
    '<rootDir>/cloudfunctions',
    '<rootDir>/scripts',
    '<rootDir>/toolchain',
    '<rootDir>/database',
  ],
  testMatch: ['**/__tests__/**/*.test.ts'],
  // Type checking is `tsc --noEmit` in `npm test`; with `isolatedModules` in tsconfig.json ts-jest only strips types.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30000,
};
