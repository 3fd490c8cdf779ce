/**
 * The server's callback (campaigns with completion.callback): after the start, the workflow waits for the
 * server to call back, with fallback reads of the install task every maxInterval until the install runs late
 * (poll-policy.ts, fallbackPollDelay), timed by the workflow's own timers. No polling activity runs meanwhile,
 * so nothing outlives a callback. A callback triggers a read of the install task 2 s later, OVH's word staying
 * the source of truth: done, and the boot is proven by the callback itself (no boot check); still running,
 * it is read every 5 s until it ends. Without a callback (an image without cloud-init, a lost POST) the
 * fallback reads find failures, and once the install runs late it is polled as without completion.callback.
 *
 * Only the first callback of the deployment in progress is accepted (serverCallbackUpdate's validator): a
 * replayed one, one for an earlier deployment or one arriving after the wait is refused, and the receiver
 * answers it with an error. A callback accepted while the late install is polled still proves the boot.
 * Workflow-safe.
 */
import { condition } from '@temporalio/workflow';
import type { DeploymentResult, WaitForDeploymentInput } from '../activities/types';
import { fallbackPollDelay, pollPolicyFor } from '../shared/poll-policy';
import { untilAccountAnswers } from './account-outage';
import type { serverActivities } from './activity-options';
import type { CallbackInbox } from './callback-inbox';
import type { ServerState } from './server-state';

type Activities = ReturnType<typeof serverActivities>;

/** The install's end: confirmed by a read once the server called back, else found by the fallback reads or polling. */
export async function waitForEndOrCallback(
  server: ServerState,
  acts: Activities,
  inbox: CallbackInbox,
  input: WaitForDeploymentInput,
): Promise<DeploymentResult> {
  const deployment = server.deployments;
  const calledBack = () => inbox.hostKeysOf(deployment) !== undefined;
  try {
    const ended = await untilCallbackOrLate(server, acts, input, calledBack);
    if (ended) return ended;
    const polled = calledBack() ? { ...input, calledBack: true } : input;
    return await untilAccountAnswers(server, () => acts.wait.waitForDeployment(polled));
  } finally {
    inbox.close();
  }
}

/**
 * Waits for the callback, reading the task after each fallback pause (OVH's clock, converted to the
 * workflow's by the worker's clock speed). Returns the install's end when a read finds it; undefined once
 * the server called back or the install runs late.
 */
async function untilCallbackOrLate(
  server: ServerState,
  acts: Activities,
  input: WaitForDeploymentInput,
  calledBack: () => boolean,
): Promise<DeploymentResult | undefined> {
  const policy = pollPolicyFor(input);
  const speed = input.handle.ovhClockSpeed ?? 1;
  const begun = Date.now();
  for (;;) {
    const pause = fallbackPollDelay((Date.now() - begun) * speed, policy);
    if (pause === undefined) return undefined;
    if (await condition(calledBack, Math.max(1, Math.ceil(pause / speed)))) return undefined;
    const read = await untilAccountAnswers(server, () => acts.reads.readDeployment(input));
    if (read.status === 'done') return read;
    server.count(read);
  }
}
