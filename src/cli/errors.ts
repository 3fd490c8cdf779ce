/** Errors the CLI maps to exit codes; commands throw these, cli/index.ts catches them. */
import { ExitCode } from './exit-codes';

/** A bad command line; the message says what to type instead. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = ExitCode.Usage;
}
