/** Jest runs every test against real parts: one Temporal dev server for the whole run
 * (started in globalSetup), the OVH simulator over HTTPS, the real OVH client. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  setupFiles: ['<rootDir>/test/helpers/fresh-trust.ts'],
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/helpers/sequencer.js',
  // The SDK's logs go to .data/test-logs/ (test/helpers/test-logger.ts); this names the file of a failing test.
  reporters: ['default', '<rootDir>/test/helpers/log-reporter.js'],
  modulePathIgnorePatterns: ['<rootDir>/lib', '<rootDir>/.tools', '<rootDir>/.data'],
};
