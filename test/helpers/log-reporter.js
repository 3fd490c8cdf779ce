// A passing run prints progress and the summary only: the SDK's and workers' logs go to one file per test
// file (test-log-file.js). When a test file fails, this reporter prints where its logs are.
const { existsSync } = require('node:fs');
const path = require('node:path');
const { testLogFile } = require('./test-log-file');

class LogFileReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onTestResult(_test, result) {
    if (result.numFailingTests === 0 && !result.testExecError) return;
    const file = testLogFile(this.rootDir, result.testFilePath);
    const shown = path.relative(this.rootDir, result.testFilePath);
    const shownFile = path.relative(this.rootDir, file);
    const where = existsSync(file) ? shownFile : `none written (it would be ${shownFile})`;
    process.stderr.write(`SDK and worker logs of ${shown}: ${where}\n`);
  }
}

module.exports = LogFileReporter;
