/**
 * What a failed workflow says to the operator: Temporal's client reports "Workflow execution failed"
 * around the failure the worker found (an activity's ApplicationFailure, whose message names the problem
 * and the fix). These functions reach through the wrappers to that message and its type.
 */
import { FailureType } from '../shared/failure-types';
import { ExitCode } from './exit-codes';

/** Temporal's wrappers: their own message says only that something inside failed. */
const WRAPPERS = new Set(['WorkflowFailedError', 'ActivityFailure', 'ChildWorkflowFailure']);

/** Failure types that mean the campaign file or the worker's configuration is wrong: nothing was started. */
const INPUT_FAILURES: ReadonlySet<string> = new Set([
  FailureType.ImageRejected,
  FailureType.ConfigurationError,
  FailureType.NotAllowed,
]);

interface Cause {
  name: string;
  message: string;
  type?: string;
}

/** `err` and its causes, outermost first. */
function chainOf(err: unknown): Cause[] {
  const chain: Cause[] = [];
  for (let current = err; current instanceof Error && chain.length < 10; current = current.cause) {
    chain.push({ name: current.name, message: current.message, type: (current as { type?: string }).type });
  }
  return chain;
}

/** The innermost causes under Temporal's wrappers, or undefined when `err` is no wrapped failure. */
function workerCauses(err: unknown): Cause[] | undefined {
  const chain = chainOf(err);
  if (!WRAPPERS.has(chain[0]?.name ?? '')) return undefined;
  const causes = chain.filter((cause) => !WRAPPERS.has(cause.name) && cause.message);
  return causes.length > 0 ? causes : undefined;
}

/** What to print for `err`: the worker's own words when a workflow failed, else the error's message. */
export function failureMessage(err: unknown): string {
  const causes = workerCauses(err);
  if (!causes) return err instanceof Error ? err.message : String(err);
  return causes.map((cause) => cause.message).join('\n');
}

/** The exit code a failed workflow's cause maps to: 3 when the input is wrong, else undefined. */
export function failureExitCode(err: unknown): ExitCode | undefined {
  const causes = workerCauses(err);
  return causes?.some((cause) => cause.type !== undefined && INPUT_FAILURES.has(cause.type))
    ? ExitCode.InvalidInput
    : undefined;
}
