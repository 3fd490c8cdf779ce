/**
 * `npm run bootstrap`: resolves (and installs when missing) the Temporal CLI and the time-skipping test
 * server, Debian's chromium for the browser test and Debian's cloud-init for the phone_home test (apt-get, as
 * root; otherwise it says how); with
 * --test-ca also creates the CA the tests' simulators use. Idempotent. With --json, prints
 * one JSON line with the paths on stdout (logs go to stderr).
 */
import path from 'node:path';
import { readEnvironment } from '../src/config';
import { ensureTemporalBinaryWithDownload, PROJECT_ROOT } from '../src/temporal/binaries';
import { ensureCa } from '../src/simulator/ca';
import { ensureChromium } from '../testkit/browser';
import { ensureCloudInit } from '../testkit/cloud-init';

async function main(argv: string[]): Promise<void> {
  const log = (line: string) => process.stderr.write(`[bootstrap] ${line}\n`);
  const env = readEnvironment();
  const cli = await ensureTemporalBinaryWithDownload('cli', env, log);
  const testServer = await ensureTemporalBinaryWithDownload('testServer', env, log);
  const result: Record<string, string> = { cli, testServer };
  const chromium = ensureChromium(log);
  if (chromium) result.chromium = chromium;
  if (ensureCloudInit(log)) result.cloudInit = 'installed';
  if (argv.includes('--test-ca')) {
    const testCaDir = env.REIMAGE_TEST_CA_DIR ?? path.join(PROJECT_ROOT, '.data', 'test-ca');
    result.testCaDir = testCaDir;
    result.testCaCert = ensureCa(testCaDir).caCertPath;
  }
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else for (const [name, value] of Object.entries(result)) log(`${name}: ${value}`);
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
