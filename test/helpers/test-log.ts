/**
 * The running test file's log under .data/test-logs/ (test-log-file.js): what a passing run keeps out of the
 * output (the SDK's lines, figures a test measures); when a test fails, log-reporter.js names the file.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { testLogFile } from './test-log-file';

const ROOT = path.resolve(__dirname, '../..');

let file: string | undefined;

/** The log of the test file jest is running, its directory created on first use. */
function currentLogFile(): string {
  if (!file) {
    const testPath = expect.getState().testPath;
    if (!testPath) throw new Error('The test log belongs to the running test file: write to it from a test file.');
    file = testLogFile(ROOT, testPath);
    mkdirSync(path.dirname(file), { recursive: true });
  }
  return file;
}

/** Appends `line` to the running test file's log. */
export function writeTestLog(line: string): void {
  appendFileSync(currentLogFile(), `${line}\n`);
}
