/**
 * A finished server's compact outcome, as the campaign keeps it, and its tuple form carried across
 * continue-as-new (positional, to keep the carried state of a large fleet small).
 */
import type { FailureType, ServerOutcome } from '../shared/failure-types';
import type { ServerResult } from '../shared/campaign-types';
import type { ResultTuple } from '../shared/campaign-report-types';

/** A finished server's compact outcome. */
export interface FinishedRow {
  outcome: ServerOutcome;
  failureType?: FailureType;
  message?: string;
  attempt: number;
  deployments: number;
  apiCalls: number;
  /** The whole reimage, start to finish: the server duration. */
  serverDurationMs: number;
  /** Time in the installing phase, over every deployment: not the install duration. */
  installingMs: number;
  /** The server called back (completion.callback): its boot is proven by it. */
  calledBack?: true;
}

/** What the campaign keeps of a server's finish report. */
export function toRow(result: ServerResult): FinishedRow {
  return {
    outcome: result.outcome,
    failureType: result.failureType,
    message: result.message,
    attempt: result.attempt,
    deployments: result.deployments,
    apiCalls: result.apiCalls,
    serverDurationMs: result.finishedAtMs - result.startedAtMs,
    installingMs: result.durations.installing ?? 0,
    calledBack: result.hostKeys ? true : undefined,
  };
}

/** The row as carried: the failure fields only when there are some. */
export function toTuple(index: number, row: FinishedRow): ResultTuple {
  const tuple: ResultTuple = [
    index,
    row.outcome,
    row.attempt,
    row.deployments,
    row.apiCalls,
    row.serverDurationMs,
    row.installingMs,
  ];
  if (row.failureType || row.message || row.calledBack) tuple.push(row.failureType ?? '', row.message ?? '');
  if (row.calledBack) tuple.push(1);
  return tuple;
}

/** The row a carried tuple holds. */
export function fromTuple(tuple: ResultTuple): FinishedRow {
  const [, outcome, attempt, deployments, apiCalls, serverDurationMs, installingMs, failureType, message, calledBack] =
    tuple;
  return {
    outcome,
    attempt,
    deployments,
    apiCalls,
    serverDurationMs,
    installingMs,
    // A carried tuple holds '' for a failure field it does not have.
    failureType: failureType || undefined,
    message: message || undefined,
    calledBack: calledBack === 1 ? true : undefined,
  };
}
