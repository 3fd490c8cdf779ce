/**
 * The server's callback (campaigns with completion.callback): after the start, the workflow waits for the
 * install's end as polling finds it or for the server to call back, whichever comes first; the polling is
 * the fallback (waitForDeployment's callbackExpected: every maxInterval until the install runs late). A
 * callback cancels the polling and triggers a read of the install task 2 s later, OVH's word staying the
 * source of truth: done, and the boot is proven by the callback itself (no boot check); still running, it is
 * read every 5 s until it ends. Without a callback (an image without cloud-init, a lost POST) the polling
 * finds the end, and the failures, as without completion.callback.
 *
 * Only the first callback of the deployment in progress is accepted (serverCallbackUpdate's validator): a
 * replayed one, one for an earlier deployment or one arriving after the wait is refused, and the receiver
 * answers it with an error. Workflow-safe.
 */
import { CancellationScope, condition } from '@temporalio/workflow';
import type { DeploymentResult, WaitForDeploymentInput } from '../activities/types';
import { untilAccountAnswers } from './account-outage';
import type { serverActivities } from './activity-options';
import type { CallbackInbox } from './callback-inbox';
import type { ServerState } from './server-state';

type Activities = ReturnType<typeof serverActivities>;

/** The install's end: polled as usual, or confirmed by one read (then the short cadence) once the server called back. */
export async function waitForEndOrCallback(
  server: ServerState,
  acts: Activities,
  inbox: CallbackInbox,
  input: WaitForDeploymentInput,
): Promise<DeploymentResult> {
  const deployment = server.deployments;
  try {
    const polling = new CancellationScope();
    const polled = polling.run(() =>
      untilAccountAnswers(server, () => acts.wait.waitForDeployment({ ...input, callbackExpected: true })),
    );
    const first = await Promise.race([
      polled.then((result) => ({ result })),
      condition(() => inbox.hostKeysOf(deployment) !== undefined).then(() => undefined),
    ]);
    if (first) return first.result;
    // The polling's last answer is no longer needed: the confirming read below replaces it.
    polling.cancel();
    polled.catch(() => undefined);
    return await untilAccountAnswers(server, () => acts.wait.waitForDeployment({ ...input, calledBack: true }));
  } finally {
    inbox.close();
  }
}
