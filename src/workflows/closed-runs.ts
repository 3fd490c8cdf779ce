/**
 * Server runs that close without reporting. A server workflow reports its outcome by signal before it
 * closes; a run that is terminated, reset or timed out never does, and its campaign would wait for it
 * forever. The campaign notices such a run by its run ID:
 * - a run started by the current campaign run: at once, its close reaches the campaign as the child's
 *   result (no command: the child's close is recorded in the campaign's history anyway);
 * - a run carried across continue-as-new: by a check signal (serverRunCheckSignal) that fails for a closed
 *   run, sent before the campaign cancels it (a cancel of a closed run succeeds, so it tells nothing), when
 *   an operator releases it, and every `runCheckEveryMs` (default 30 minutes) while such runs are in flight.
 * The server is then recorded `run_closed`: counted against the failure budget, for a person to look at,
 * and its slot is free. A run that reported first is left as it reported.
 */
import { CancellationScope, type ChildWorkflowHandle, getExternalWorkflowHandle } from '@temporalio/workflow';
import { serverRunCheckSignal } from '../shared/campaign-messages';
import type { ServerResult } from '../shared/campaign-types';
import { FailureType, ServerOutcome } from '../shared/failure-types';
import { serverWorkflowId } from '../shared/workflow-ids';
import type { CampaignState } from './campaign-state';
import type { reimageServerWorkflow } from './reimage-server';
import type { ServerSlot } from './rollout-state';

/** Carried runs are checked this often by default: an install takes about 11 minutes, most end unchecked. */
const RUN_CHECK_EVERY_MS = 30 * 60_000;

/** What a person reads about a closed run; `how` says how the campaign learned it. */
function closedRunMessage(slot: ServerSlot, runId: string, how: string): string {
  return `The server's workflow run ${serverWorkflowId(slot.target.serviceName)} (run ${runId}) closed without reporting an outcome (${how}): it was terminated, reset or timed out, so the server may be mid-install or in any state. Check it in the OVH control panel, then retry it or put it back by hand.`;
}

/** Records the server of run `runId`, closed unheard, `run_closed`; nothing when its report already came. */
function recordClosedRun(campaign: CampaignState, slot: ServerSlot, runId: string, how: string): void {
  if (slot.state !== 'running' || slot.runId !== runId) return;
  const now = Date.now();
  const result: ServerResult = {
    serviceName: slot.target.serviceName,
    attempt: slot.attempt,
    outcome: ServerOutcome.RunClosed,
    failureType: FailureType.RunClosed,
    message: closedRunMessage(slot, runId, how),
    deployments: 0,
    startedAtMs: now,
    finishedAtMs: now,
    durations: {},
    apiCalls: 0,
  };
  campaign.recordResult(result);
}

/**
 * Follows a run this campaign run started until it closes. A run that closes after its report changes
 * nothing; one whose report never came is recorded with the result it returned, else `run_closed`.
 */
export function watchRun(
  campaign: CampaignState,
  slot: ServerSlot,
  handle: ChildWorkflowHandle<typeof reimageServerWorkflow>,
): void {
  const runId = handle.firstExecutionRunId;
  void handle.result().then(
    (result) => {
      if (slot.state === 'running' && slot.runId === runId) campaign.recordResult(result);
    },
    () => recordClosedRun(campaign, slot, runId, 'seen when it closed'),
  );
}

/**
 * Whether the server's run may still be open. A carried run (not watched) is asked by a check signal; a
 * closed one is recorded `run_closed` (`how` says who asked) and false returned.
 */
export async function checkRun(campaign: CampaignState, slot: ServerSlot, how: string): Promise<boolean> {
  const runId = slot.runId;
  if (runId === undefined || slot.watched) return true;
  try {
    await getExternalWorkflowHandle(serverWorkflowId(slot.target.serviceName), runId).signal(serverRunCheckSignal);
    return true;
  } catch {
    recordClosedRun(campaign, slot, runId, how);
    return false;
  }
}

function carriedRuns(campaign: CampaignState): ServerSlot[] {
  return campaign.servers.running().filter((slot) => slot.runId !== undefined && !slot.watched);
}

/** When the carried runs are next checked; undefined when none is in flight. */
export function runCheckDueAt(campaign: CampaignState): number | undefined {
  if (carriedRuns(campaign).length === 0) return undefined;
  return campaign.scheduleRunCheck(campaign.settings.runCheckEveryMs ?? RUN_CHECK_EVERY_MS);
}

/** Checks every carried run once the check is due. */
export async function checkCarriedRunsIfDue(campaign: CampaignState): Promise<void> {
  const dueAt = runCheckDueAt(campaign);
  if (dueAt === undefined || Date.now() < dueAt) return;
  campaign.runCheckDone();
  const check = (slot: ServerSlot) => checkRun(campaign, slot, 'a periodic check found it closed');
  await CancellationScope.nonCancellable(() => Promise.all(carriedRuns(campaign).map(check)));
}
