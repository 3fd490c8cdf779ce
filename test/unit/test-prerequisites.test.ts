/** What the tests need from `npm test` (the test CA, the dev server) fails loudly, naming the fix, when missing. */
import { startTestSimulator, testCaDir } from '../helpers/simulator';
import { devServerAddress } from '../helpers/temporal';

/** Runs `fn` with `name` unset, restoring it afterwards. */
function withoutEnv<T>(name: string, fn: () => T): T {
  const saved = process.env[name];
  delete process.env[name];
  try {
    return fn();
  } finally {
    if (saved !== undefined) process.env[name] = saved;
  }
}

const NO_CA =
  'REIMAGE_TEST_CA_DIR is not set, so the tests have no CA to sign and trust the simulator\'s certificates: run them with "npm test" (or "node scripts/run-tests.js <file>"), which creates the test CA and sets the variable.';

describe('test prerequisites', () => {
  it("refuses to start a test simulator without the run's test CA, naming the variable and the command", async () => {
    expect(() => withoutEnv('REIMAGE_TEST_CA_DIR', testCaDir)).toThrow(new Error(NO_CA));
    await expect(withoutEnv('REIMAGE_TEST_CA_DIR', () => startTestSimulator())).rejects.toThrow(new Error(NO_CA));
  });

  it('refuses to connect without the dev server of the global setup, naming the variable and the command', () => {
    expect(() => withoutEnv('TEMPORAL_ADDRESS', devServerAddress)).toThrow(
      new Error(
        'TEMPORAL_ADDRESS is not set: run the tests with "npm test" (or "node scripts/run-tests.js <file>") so the global setup starts a dev server.',
      ),
    );
  });

  it('uses the test CA and the dev server that npm test provides', () => {
    expect(testCaDir()).toBe(process.env.REIMAGE_TEST_CA_DIR);
    expect(devServerAddress()).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
