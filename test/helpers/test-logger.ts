/** The Temporal SDK's logger in tests (its Runtime, mock activity contexts): lines go to the test file's log. */
import { inspect } from 'node:util';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/common';
import { writeTestLog } from './test-log';

function writeEntry(entry: LogEntry): void {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const meta =
    entry.meta && Object.keys(entry.meta).length > 0
      ? ` ${inspect(entry.meta, { depth: 6, breakLength: Infinity })}`
      : '';
  writeTestLog(`${time} [${entry.level}] ${entry.message}${meta}`);
}

/** A logger writing entries at `level` and above to the running test file's log (test-log.ts). */
export function testLogger(level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, writeEntry);
}
