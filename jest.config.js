/** Four projects: unit (pure, no I/O), int (real PostgreSQL + Redis, one module), e2e (full app over HTTP), browser (web app in Chromium). */
process.env.TZ = 'UTC';
const tsJest = ['ts-jest', { diagnostics: false }];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Absolute imports: `src/...` from anywhere (tsconfig paths).
  moduleNameMapper: { '^src/(.*)$': '<rootDir>/src/$1' },
  rootDir: __dirname,
};
module.exports = {
  maxWorkers: 3,
  // The validation pack (issue 18): every run records each test's result for
  // `npm run validation-report` (var/validation/last-results.json, merged per test file).
  reporters: ['default', '<rootDir>/test/harness/validation-reporter.js'],
  // Jest reads testTimeout from the root config only (a project's own is ignored): hooks build whole
  // apps and databases, and on 2 busy cores 5 s is not enough. Browser files set 180 s themselves.
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/src/**/*.int-spec.ts', '<rootDir>/test/int/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/browser/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
  ],
};
