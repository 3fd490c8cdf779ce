// Where a test file's log goes (the SDK's and workers' lines, figures a test measures):
// .data/test-logs/<the test file's path under test/>.log. Shared by the writer (test-log.ts) and the reporter
// that names the file when a test fails (log-reporter.js).
const path = require('node:path');

/** The directory of this run's test logs (emptied by the global setup). */
function testLogDir(rootDir) {
  return path.join(rootDir, '.data', 'test-logs');
}

/** The log file of the test file at `testPath`. */
function testLogFile(rootDir, testPath) {
  return path.join(testLogDir(rootDir), `${path.relative(path.join(rootDir, 'test'), testPath)}.log`);
}

module.exports = { testLogDir, testLogFile };
