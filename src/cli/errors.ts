/** Errors the CLI maps to exit codes; commands throw these, cli/index.ts catches them. */
import { ExitCode } from './exit-codes';

/** A bad command line; the message says what to type instead. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = ExitCode.Usage;
}

/** The command line is well formed but names something wrong (a server, a schedule, a cron): exit 3. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  readonly exitCode = ExitCode.InvalidInput;
}
