/**
 * Starting and cancelling a campaign's server workflows. Children are started with ParentClosePolicy
 * ABANDON and cancellation type ABANDON: they outlive the campaign's continue-as-new and are cancelled only
 * on purpose (through their workflow ID and run ID), never as a side effect of the campaign's own scope.
 */
import {
  CancellationScope,
  ChildWorkflowCancellationType,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { FailureType, ServerOutcome } from '../shared/failure-types';
import type { DeploySettings, ReimageServerInput } from '../shared/campaign-types';
import {
  campaignIdAttribute,
  datacenterAttribute,
  phaseAttribute,
  serverNameAttribute,
} from '../shared/search-attributes';
import { serverWorkflowId } from '../shared/workflow-ids';
import type { CampaignRun } from './campaign-run';
import { reimageServerWorkflow } from './reimage-server';
import type { ServerSlot } from './rollout-state';

/**
 * Admits `slots` and starts their workflows without waiting for the starts to be confirmed: a busy server
 * may take seconds to confirm, and the main loop must keep refilling slots meanwhile. `c.startsInFlight`
 * counts unconfirmed starts; continue-as-new waits for it to reach 0.
 */
export function startServers(c: CampaignRun, slots: ServerSlot[]): void {
  for (const slot of slots) {
    c.admitted(slot);
    c.startsInFlight += 1;
    // Not cancellable: a start already sent must resolve, so the campaign knows the run it may cancel later.
    void CancellationScope.nonCancellable(() => startOne(c, slot)).finally(() => {
      c.startsInFlight -= 1;
      c.touch();
    });
  }
}

async function startOne(c: CampaignRun, slot: ServerSlot): Promise<void> {
  const { serviceName, datacenter } = slot.target;
  const attempt = slot.attempt;
  const input: ReimageServerInput = {
    campaignId: c.input.campaignId,
    serviceName,
    ...(datacenter ? { datacenter } : {}),
    attempt,
    settings: deploySettings(c.settings),
    ...(c.imageSizeBytes !== undefined ? { imageSizeBytes: c.imageSizeBytes } : {}),
  };
  try {
    const handle = await startChild(reimageServerWorkflow, {
      workflowId: serverWorkflowId(serviceName),
      taskQueue: c.settings.taskQueue,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      cancellationType: ChildWorkflowCancellationType.ABANDON,
      // A server may be reimaged again later; only a running workflow holds the lock.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: [
        { key: campaignIdAttribute, value: c.input.campaignId },
        { key: serverNameAttribute, value: serviceName },
        ...(datacenter ? [{ key: datacenterAttribute, value: datacenter }] : []),
        { key: phaseAttribute, value: 'queued' },
      ],
    });
    if (slot.state === 'running' && slot.attempt === attempt) slot.runId = handle.firstExecutionRunId;
  } catch (err) {
    const message =
      err instanceof WorkflowExecutionAlreadyStartedError
        ? `The server is locked by ${serverWorkflowId(serviceName)}: another campaign or a manual run is reimaging it, so this campaign did not touch it. Retry it once that workflow has ended.`
        : `The server's workflow could not be started, so the server was not touched: ${err instanceof Error ? err.message : String(err)}`;
    const failureType = err instanceof WorkflowExecutionAlreadyStartedError ? FailureType.ServerLocked : undefined;
    if (slot.state === 'running' && slot.attempt === attempt)
      c.state.finishWithout(slot, ServerOutcome.Skipped, message, failureType);
  }
}

/** Requests cancellation of every running server (each rolls back to rescue and reports `cancelled`). */
export async function cancelRunning(c: CampaignRun, options: { requeue: boolean }): Promise<void> {
  const running = c.state.running().filter((slot) => !slot.windowCancelled);
  for (const slot of running) if (options.requeue) slot.windowCancelled = true;
  await CancellationScope.nonCancellable(() =>
    Promise.all(
      running.map(async (slot) => {
        try {
          await getExternalWorkflowHandle(serverWorkflowId(slot.target.serviceName), slot.runId).cancel();
        } catch {
          // Already closed: its finish report is on its way (or already applied).
        }
      }),
    ),
  );
}

/** The part of the campaign settings a server workflow needs (keeps each child's input small). */
function deploySettings(settings: DeploySettings): DeploySettings {
  const { route, image, configDrive, deadlines, poll, bootProbe, redeployAfterRollback, diskGroupId } = settings;
  return {
    route,
    image,
    deadlines,
    poll,
    redeployAfterRollback,
    ...(configDrive ? { configDrive } : {}),
    ...(bootProbe ? { bootProbe } : {}),
    ...(diskGroupId !== undefined ? { diskGroupId } : {}),
  };
}
