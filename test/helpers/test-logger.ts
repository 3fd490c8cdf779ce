/** The Temporal SDK's logger in tests (its Runtime, mock activity contexts): lines go to the test file's log. */
import { inspect } from 'node:util';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
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

let installed = false;

/**
 * Sends the SDK's lines (worker state changes, activity failures tests provoke, the core's warnings) to the
 * test file's log. Connecting to a Temporal server in tests calls it (test/helpers/temporal.ts); call it
 * yourself before any other first use of the SDK's Runtime (a worker, a replay).
 */
export function quietRuntime(): void {
  if (installed) return;
  Runtime.install({
    logger: testLogger(),
    // The core logs on its own (e.g. an activity completing after its workflow ended): forwarded to the logger.
    telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } },
  });
  installed = true;
}
