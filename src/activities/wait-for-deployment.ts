/**
 * waitForDeployment: polls inside one heartbeating activity, so the workflow history holds one event pair
 * however long the install runs. Heartbeat details (DeploymentProgress) let a retry resume its
 * counters after a worker crash. Transient OVH errors (5xx, 429, network, a fresh task's 404 for 5 min) are
 * absorbed by the loop; the deadline is absolute, so retries never extend it.
 *
 * Once the server called back (completion.callback), the task is read 2 s later, then every 5 s. Until then,
 * the workflow times the fallback polls itself and reads the task with readDeployment (server-callback.ts).
 *
 * Economy: it sleeps before its first poll (poll-policy.ts: nothing ends early), a poll is one read of the
 * task, and install/status is read only to name the failing step (or the stuck one at the deadline). Its
 * calls go first through the rate budget: their delay is the time to notice the end.
 */
import { activityInfo } from '@temporalio/activity';
import { z } from 'zod';
import { FailureType } from '../shared/failure-types';
import { classify, OvhAccountUnreachableError, OvhApiError } from '../ovh/errors';
import { routeFor, type RouteStatus } from '../ovh/routes';
import { activityWaiter, beat, ovhNow, ovhSession, type ActivityDeps } from './deps';
import { permanentFailure, toActivityFailure } from './failures';
import { nextPollDelay, pollPolicyFor } from '../shared/poll-policy';
import type { DeploymentProgress, DeploymentStep } from '../domain/deployment';
import type { DeploymentRead, DeploymentResult, WaitForDeploymentInput } from './types';

/** Pause before the read that confirms an install whose server called back, and between the next ones. */
const CONFIRM_FIRST_MS = 2_000;
const CONFIRM_EVERY_MS = 5_000;

const stepSchema = z.object({ index: z.number(), total: z.number(), name: z.string() });
const progressSchema = z.object({
  status: z.string(),
  step: stepSchema.optional(),
  polls: z.number().int(),
  apiCalls: z.number().int(),
  lastPollAt: z.string(),
});

/** The progress an earlier try heartbeated, if any. */
function resumedProgress(): DeploymentProgress | undefined {
  const parsed = progressSchema.safeParse(activityInfo().heartbeatDetails);
  return parsed.success ? parsed.data : undefined;
}

interface PollState {
  progress: DeploymentProgress;
  /** When the current run of transient errors began. */
  failingSince?: number;
  lastError?: string;
}

function deployFailedMessage(
  input: WaitForDeploymentInput,
  status: RouteStatus,
  step: DeploymentStep | undefined,
): string {
  const { serviceName, taskId } = input.handle;
  const where = step ? ` at step ${step.index}/${step.total} "${step.name}"` : '';
  const task = taskId === undefined ? '' : ` (task ${taskId}, ${status.rawStatus})`;
  const said = status.message ? `: ${status.message.replace(/\.+$/, '')}` : ' without a message';
  return `OVH reports that the deployment on ${serviceName} failed${where}${task}${said}. Fix the image or the request, then retry the server.`;
}

/** One poll; transient errors return undefined (and are remembered), permanent ones throw. */
async function pollOnce(
  input: WaitForDeploymentInput,
  deps: ActivityDeps,
  state: PollState,
  api: ReturnType<ActivityDeps['ovh']['session']>,
  withStep = false,
) {
  const now = (deps.clock ?? Date.now)();
  try {
    const status = await routeFor(input.handle.route, api).status(input.handle, { withStep });
    state.failingSince = undefined;
    return status;
  } catch (error) {
    // The whole account is down: the workflow waits for it (the install goes on at OVH meanwhile).
    if (error instanceof OvhAccountUnreachableError) throw toActivityFailure(error);
    const verdict = classify(error, { isTaskRead: true, firstSeenAt: state.failingSince ?? now, now });
    if (!verdict.retryable) throw toActivityFailure(error);
    state.failingSince = state.failingSince ?? now;
    state.lastError = error instanceof OvhApiError ? error.message : String(error);
    deps.logger?.warn('Transient OVH error while polling; polling on.', {
      serviceName: input.handle.serviceName,
      reason: verdict.reason,
    });
    return undefined;
  }
}

/**
 * The pause before the next poll. A server that called back has booted and OVH's task ends within seconds
 * (its last step mails the customer): read it shortly, then every few seconds.
 */
function delayBeforePoll(
  input: WaitForDeploymentInput,
  policy: ReturnType<typeof pollPolicyFor>,
  elapsedMs: number,
  pollsHere: number,
): number {
  if (input.calledBack) return Math.min(policy.pollMinMs, pollsHere === 0 ? CONFIRM_FIRST_MS : CONFIRM_EVERY_MS);
  return nextPollDelay(elapsedMs, policy);
}

/** The waitForDeployment activity body. */
export async function waitForDeployment(input: WaitForDeploymentInput, deps: ActivityDeps): Promise<DeploymentResult> {
  const api = ovhSession(deps, 'high');
  const resumed = resumedProgress();
  const base = { polls: resumed?.polls ?? 0, apiCalls: resumed?.apiCalls ?? 0 };
  const state: PollState = {
    progress: {
      status: resumed?.status ?? 'unknown',
      step: resumed?.step,
      polls: base.polls,
      apiCalls: base.apiCalls,
      lastPollAt: resumed?.lastPollAt ?? '',
    },
  };
  const policy = pollPolicyFor(input);
  const deadline = Date.parse(input.deadlineAt);
  const startedAt = Date.parse(input.handle.startedAt);
  const waiter = activityWaiter(deps, () => state.progress);
  for (let pollsHere = 0; ; pollsHere++) {
    const delay = delayBeforePoll(input, policy, ovhNow(deps) - startedAt, pollsHere);
    await waiter.sleep(Math.min(delay, Math.max(0, deadline - (deps.clock ?? Date.now)())));
    const every = input.stepEveryPolls ?? 0;
    const status = await pollOnce(input, deps, state, api, every > 0 && (state.progress.polls + 1) % every === 0);
    const clockNow = (deps.clock ?? Date.now)();
    state.progress = {
      status: status?.rawStatus ?? state.progress.status,
      step: status?.step ?? state.progress.step,
      polls: state.progress.polls + 1,
      apiCalls: base.apiCalls + api.calls,
      lastPollAt: new Date(clockNow).toISOString(),
    };
    beat(state.progress);
    if (status?.state === 'done') return doneResult(input, deps, status, state.progress);
    if (status?.state === 'error') throw deployFailed(input, status, state.progress);
    if (clockNow >= deadline) {
      // Name the step the install is stuck on: one more read, for the message only.
      const last = state.progress.step ? undefined : await pollOnce(input, deps, state, api, true);
      throw timedOut(input, { ...state, progress: { ...state.progress, step: last?.step ?? state.progress.step } });
    }
  }
}

/** The wait's result once the task reads done; OVH's own dates when it gives them (the worker's clock may differ). */
function doneResult(
  input: WaitForDeploymentInput,
  deps: ActivityDeps,
  status: RouteStatus,
  progress: DeploymentProgress,
): DeploymentResult {
  const endedAt = status.finishedAt ? Date.parse(status.finishedAt) : ovhNow(deps);
  const installDurationMs = Math.max(0, endedAt - Date.parse(input.handle.startedAt));
  return {
    status: 'done',
    installDurationMs,
    polls: progress.polls,
    apiCalls: progress.apiCalls,
    lastStep: progress.step,
  };
}

function deployFailed(input: WaitForDeploymentInput, status: RouteStatus, progress: DeploymentProgress): Error {
  return permanentFailure(FailureType.DeployFailed, deployFailedMessage(input, status, progress.step), { ...progress });
}

/**
 * The readDeployment activity body: one read of the task, at once. The workflow of a server expected to
 * call back times these fallback reads itself, so no polling activity outlives a callback.
 */
export async function readDeployment(input: WaitForDeploymentInput, deps: ActivityDeps): Promise<DeploymentRead> {
  const api = ovhSession(deps, 'high');
  const unread = { status: 'unknown', polls: 1, apiCalls: 0, lastPollAt: '' };
  const status = await pollOnce(input, deps, { progress: unread }, api);
  const progress = { ...unread, status: status?.rawStatus ?? 'unknown', step: status?.step, apiCalls: api.calls };
  if (status?.state === 'done') return doneResult(input, deps, status, progress);
  if (status?.state === 'error') throw deployFailed(input, status, progress);
  return { status: 'running', polls: 1, apiCalls: api.calls };
}

function timedOut(input: WaitForDeploymentInput, state: PollState): Error {
  const { step, status } = state.progress;
  const where = step ? `, at step ${step.index}/${step.total} "${step.name}"` : '';
  const last = state.failingSince !== undefined && state.lastError ? ` The last polls failed: ${state.lastError}` : '';
  return permanentFailure(
    FailureType.TimedOut,
    `The deployment on ${input.handle.serviceName} did not finish by ${input.deadlineAt} (OVH status ${status}${where}).${last} Check the server in the OVH control panel.`,
    { ...state.progress },
  );
}
