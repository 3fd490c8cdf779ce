/**
 * Starting and cancelling a campaign's server workflows. Children are started with ParentClosePolicy
 * ABANDON and cancellation type ABANDON: they outlive the campaign's continue-as-new and are cancelled only
 * on purpose, never as a side effect of the campaign's own scope.
 *
 * A campaign cancels only runs it started, by run ID. A server whose start is not confirmed yet is cancelled
 * once the start is confirmed, or finishes `skipped` when the start fails: until then the workflow ID may
 * belong to another campaign's (or a manual) run, which must not be touched.
 */
import {
  CancellationScope,
  ChildWorkflowCancellationType,
  type ChildWorkflowOptions,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type WithWorkflowArgs } from '@temporalio/common';
import { FailureType, ServerOutcome } from '../shared/failure-types';
import type { DeploySettings, InstallExpectation, ReimageServerInput } from '../shared/campaign-types';
import type { LearnedInstalls } from '../shared/campaign-report-types';
import {
  accountAttribute,
  campaignIdAttribute,
  datacenterAttribute,
  phaseAttribute,
  serverNameAttribute,
} from '../shared/search-attributes';
import { accountTaskQueue } from '../shared/task-queues';
import { serverWorkflowId } from '../shared/workflow-ids';
import type { CampaignState } from './campaign-state';
import { checkRun, watchRun } from './closed-runs';
import { reimageServerWorkflow } from './reimage-server';
import type { ServerSlot } from './rollout-state';

/**
 * Admits `slots` and starts their workflows without waiting for the starts to be confirmed: a busy server
 * may take seconds to confirm, and the main loop must keep admitting meanwhile. `campaign.startsInFlight`
 * counts unconfirmed starts; continue-as-new waits for it to reach 0.
 */
export function startServers(campaign: CampaignState, slots: ServerSlot[]): void {
  for (const slot of slots) {
    campaign.admit(slot);
    // Not cancellable: a start already sent must resolve, so the campaign knows the run it may cancel later.
    void CancellationScope.nonCancellable(() => startOne(campaign, slot)).finally(() => campaign.startSettled());
  }
}

async function startOne(campaign: CampaignState, slot: ServerSlot): Promise<void> {
  const attempt = slot.attempt;
  // The slot may have moved on (a finish report that overtook the confirmation): then this start is history.
  const current = () => slot.state === 'running' && slot.attempt === attempt;
  try {
    const handle = await startChild(reimageServerWorkflow, childOptions(campaign, slot));
    if (!current()) return;
    campaign.servers.startConfirmed(slot, handle.firstExecutionRunId);
    watchRun(campaign, slot, handle);
    if (slot.cancelWhenStarted) await cancelChild(campaign, slot);
  } catch (err) {
    if (current()) refused(campaign, slot, err);
  }
}

/** The server workflow's start: its lock (the workflow ID), input, lifetime and search attributes. */
function childOptions(
  campaign: CampaignState,
  slot: ServerSlot,
): WithWorkflowArgs<typeof reimageServerWorkflow, Omit<ChildWorkflowOptions, 'typeInfo'>> {
  const { serviceName, datacenter, rack, account } = slot.target;
  const input: ReimageServerInput = {
    campaignId: campaign.input.campaignId,
    serviceName,
    account,
    datacenter: datacenter || undefined,
    rack: rack || undefined,
    attempt: slot.attempt,
    settings: deploySettings(campaign.settings),
    imageSizeBytes: campaign.imageSizeBytes,
    ...expectedInstall(campaign),
  };
  return {
    workflowId: serverWorkflowId(serviceName),
    // The account's queue: its worker holds the credentials, and its backlog holds no other account's servers.
    taskQueue: accountTaskQueue(campaign.settings.taskQueue, account),
    args: [input],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    cancellationType: ChildWorkflowCancellationType.ABANDON,
    // A server may be reimaged again later; only a running workflow holds the lock.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: [
      { key: campaignIdAttribute, value: campaign.input.campaignId },
      { key: serverNameAttribute, value: serviceName },
      ...(datacenter ? [{ key: datacenterAttribute, value: datacenter }] : []),
      ...(account !== undefined ? [{ key: accountAttribute, value: account }] : []),
      { key: phaseAttribute, value: 'queued' },
    ],
  };
}

/** What the campaign learned so far of when an install ends; nothing for the first servers (the default). */
function expectedInstall(
  campaign: CampaignState,
): Pick<ReimageServerInput, 'expectedInstall' | 'expectedInstallByRange'> {
  const learned = campaign.learning.learned();
  if (!learned) return {};
  const byRange = campaign.learning.learnedByRange();
  return {
    expectedInstall: expectationOf(learned),
    expectedInstallByRange: byRange
      ? Object.fromEntries(Object.entries(byRange).map(([range, figures]) => [range, expectationOf(figures)]))
      : undefined,
  };
}

function expectationOf({ typicalInstallMs, earlyInstallMs }: LearnedInstalls): InstallExpectation {
  return { typicalInstallMs, earlyInstallMs };
}

/** A start the server refused: the server was not touched and finishes `skipped` (`ServerLocked` when held). */
function refused(campaign: CampaignState, slot: ServerSlot, err: unknown): void {
  const locked = err instanceof WorkflowExecutionAlreadyStartedError;
  const message = locked
    ? `The server is locked by ${serverWorkflowId(slot.target.serviceName)}: another campaign or a manual run is reimaging it, so this campaign did not touch it. Retry it once that workflow has ended.`
    : `The server's workflow could not be started, so the server was not touched: ${err instanceof Error ? err.message : String(err)}`;
  campaign.servers.startRefused(slot, ServerOutcome.Skipped, message, locked ? FailureType.ServerLocked : undefined);
}

/**
 * Requests cancellation of every running server (each rolls back to rescue and reports `cancelled`). A server
 * whose start is not confirmed yet is cancelled by startOne once it is.
 */
export async function cancelRunning(campaign: CampaignState, options: { requeue: boolean }): Promise<void> {
  const running = campaign.servers.running().filter((slot) => !slot.windowCancelled);
  for (const slot of running) campaign.servers.cancelRequested(slot, options.requeue);
  const targets = running.filter((slot) => slot.runId !== undefined);
  await CancellationScope.nonCancellable(() => Promise.all(targets.map((slot) => cancelChild(campaign, slot))));
}

/**
 * Cancels the server's workflow: the run this campaign started when its run ID is known, else the current
 * run. Returns false when a carried run turned out closed without reporting: the server is then recorded
 * `run_closed` (closed-runs.ts) and nothing is cancelled.
 */
export async function cancelChild(
  campaign: CampaignState,
  slot: ServerSlot,
  how = 'seen when the campaign cancelled it',
): Promise<boolean> {
  campaign.servers.cancelSent(slot);
  if (!(await checkRun(campaign, slot, how))) return false;
  try {
    await getExternalWorkflowHandle(serverWorkflowId(slot.target.serviceName), slot.runId).cancel();
  } catch {
    // Already closed: its finish report is on its way (or already applied).
  }
  return true;
}

/** The part of the campaign settings a server workflow needs (keeps each child's input small). */
function deploySettings(settings: DeploySettings): DeploySettings {
  const { route, image, configDrive, deadlines, poll, bootProbe, redeployAfterRollback, diskGroupId, hooks } = settings;
  return {
    route,
    image,
    deadlines,
    poll,
    redeployAfterRollback,
    configDrive,
    bootProbe,
    diskGroupId,
    hooks,
    completion: settings.completion,
  };
}
