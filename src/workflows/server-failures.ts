/**
 * Turns what an activity threw into a server outcome. Pure and workflow-safe: workflows record business
 * outcomes (type + OVH's message) instead of failing.
 */
import { ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { isCancellation } from '@temporalio/workflow';
import { FailureType, ServerOutcome } from '../shared/failure-types';

/** A classified failure of one step. */
export interface StepFailure {
  outcome: ServerOutcome;
  failureType?: FailureType;
  message: string;
  /** The activity proved OVH created nothing (details `untouched`): no rollback is needed. */
  untouched?: true;
}

const OUTCOME_BY_TYPE: Partial<Record<FailureType, ServerOutcome>> = {
  [FailureType.PreflightFailed]: ServerOutcome.PreflightFailed,
  [FailureType.ImageRejected]: ServerOutcome.ImageRejected,
  [FailureType.DeployFailed]: ServerOutcome.DeployFailed,
  [FailureType.TimedOut]: ServerOutcome.TimedOut,
  [FailureType.BootFailed]: ServerOutcome.BootFailed,
  [FailureType.RollbackFailed]: ServerOutcome.RollbackFailed,
  [FailureType.ServerLocked]: ServerOutcome.Skipped,
  [FailureType.ConfigurationError]: ServerOutcome.ConfigurationError,
  [FailureType.NotAllowed]: ServerOutcome.ConfigurationError,
  [FailureType.NotGranted]: ServerOutcome.NotGranted,
};

/** The innermost failure of an ActivityFailure / ChildWorkflowFailure chain. */
function rootCause(err: unknown): unknown {
  let current = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current;
}

function isFailureType(value: string | undefined | null): value is FailureType {
  return value !== undefined && value !== null && Object.values<string>(FailureType).includes(value);
}

/** Classifies an activity's failure; `fallback` is the outcome of a type with no outcome of its own. */
export function classifyStepFailure(err: unknown, fallback: ServerOutcome): StepFailure {
  if (isCancellation(err)) {
    return {
      outcome: ServerOutcome.Cancelled,
      message: 'The reimage was cancelled (campaign cancel, window close or budget rollback).',
    };
  }
  const cause = rootCause(err);
  if (cause instanceof ApplicationFailure && isFailureType(cause.type)) {
    const untouched = (cause.details?.[0] as { untouched?: unknown } | undefined)?.untouched === true;
    return {
      outcome: OUTCOME_BY_TYPE[cause.type] ?? fallback,
      failureType: cause.type,
      message: cause.message,
      untouched: untouched || undefined,
    };
  }
  if (cause instanceof TimeoutFailure) {
    return {
      outcome: ServerOutcome.TimedOut,
      failureType: FailureType.TimedOut,
      message: `The activity timed out (${cause.timeoutType}): the worker stopped answering or OVH stayed silent past the deadline.`,
    };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { outcome: fallback, message: `An unexpected failure ended the step: ${message}` };
}

/** Whether the failure of startDeployment proves OVH created no deployment (so nothing needs rolling back). */
export function startRefused(failure: StepFailure): boolean {
  const refusals: (FailureType | undefined)[] = [
    FailureType.ImageRejected,
    FailureType.ServerLocked,
    FailureType.DeployFailed,
    FailureType.RouteUnavailable,
    FailureType.ConfigurationError,
    FailureType.OvhApiPermanent,
    FailureType.NotAllowed,
    FailureType.NotGranted,
  ];
  return failure.outcome !== ServerOutcome.Cancelled && refusals.includes(failure.failureType);
}

/** A deployment's failure: its start failed (refused, or rolled back), or it was rolled back over a live task. */
export type DeployFailure = StepFailure & { startFailed?: true; taskPending?: true };

/** The failure that caused a redeploy, when that redeploy was refused (the server is as the rollback left it). */
export function redeployRefused(cause: StepFailure, refusal: StepFailure): StepFailure {
  return {
    ...cause,
    message: `${cause.message} The redeploy that followed the rollback was refused: ${refusal.message}`,
  };
}

/** A failure after which no redeploy starts: OVH still runs the install task the rollback rebooted over. */
export function stillInstalling(failure: StepFailure): StepFailure {
  return {
    ...failure,
    message: `${failure.message} OVH still runs the install task, so no redeploy was started over it; check the server once the task ends.`,
  };
}
