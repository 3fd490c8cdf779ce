/**
 * reimageCampaignWorkflow: reimages a fleet, one reimageServerWorkflow per server, as a sliding window.
 *
 * Runbook: resolve every `${VAR}` reference on the worker and qualify the image, once (a reference the
 * worker lacks or withholds, a callback it cannot sign, or a rejected image, halts before any server is
 * touched), then admit
 * servers while a slot is free, the current wave has room, the window is open and the server's expected
 * time (p95 of done servers, the deadlines until 3 are done) fits before it closes; when nothing runs and no
 * window can hold that time, the campaign halts instead of sleeping window after window. After each wave: bake,
 * then wait for approval when configured. A canary (first wave of a ramp) with more failures than its
 * budget (default 0) halts; so does a failure count strictly above the failure budget. Each server is started
 * with the install duration learned from the latest done servers (install-durations.ts; the poll policy's
 * default until 3 are done), so its polls cluster where its install is likely to end.
 *
 * What it guarantees (pause, drain and cancel, windows, crashes, server runs that close unheard, its bounds):
 * RELIABILITY.md, "The guarantees".
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { HookActivities, ReimageActivities } from '../activities/types';
import { CampaignEndState } from '../shared/campaign-types';
import type { CampaignInput, CampaignReport } from '../shared/campaign-report-types';
import { ServerOutcome } from '../shared/failure-types';
import { campaignIdFromWorkflowId } from '../shared/workflow-ids';
import { isBudgetExceeded } from '../campaign/rollout-math';
import { MAX_IN_FLIGHT } from './budget';
import { cancelRunning, startServers } from './campaign-children';
import { installCampaignHandlers } from './campaign-controls';
import { CampaignState } from './campaign-state';
import { campaignReport } from './campaign-views';
import { checkCarriedRunsIfDue, runCheckDueAt } from './closed-runs';
import { expectedServerMs } from '../shared/eta';
import { qualifyOptions } from './activity-options';
import { classifyStepFailure } from './server-failures';
import { fitsInWindow, nextWindowChange, noWindowFits, windowAt } from '../shared/windows';

/** Our own continue-as-new threshold, below Temporal's 10,240-event warning even after a 500-server batch. */
const CONTINUE_AS_NEW_EVENTS = 4_000;

/**
 * Child starts sent but not yet confirmed, at most. The server confirms starts at its own pace (a dev
 * server's: BENCHMARKS.md, B4); sending more only queues them there,
 * and continue-as-new must wait for every sent start to be confirmed while the window drains.
 */
const MAX_UNCONFIRMED_STARTS = 50;

const END_STATE = {
  drain: CampaignEndState.Drained,
  cancel: CampaignEndState.Cancelled,
  halt: CampaignEndState.Halted,
};

/** Reimages `input.servers` under `input.settings` and returns the campaign report. */
export async function reimageCampaignWorkflow(input: CampaignInput): Promise<CampaignReport> {
  // A Temporal Schedule appends its run time to the workflow ID: the ID servers signal is the real one.
  const campaignId = campaignIdFromWorkflowId(workflowInfo().workflowId) ?? input.campaignId;
  const campaign = new CampaignState({ ...input, campaignId });
  installCampaignHandlers(campaign);
  if (!input.carried) campaign.notifier.raise('campaign.started');
  try {
    if (!input.carried && needsWorkerCheck(campaign)) await checkReferences(campaign);
    if (!campaign.imageQualified && !campaign.controls.stop) await qualifyImage(campaign);
    await rollOut(campaign);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    campaign.stop('cancel', 'The campaign workflow was cancelled: servers in flight roll back to rescue.');
    await CancellationScope.nonCancellable(() => rollOut(campaign));
  }
  campaign.endRollout();
  const stop = campaign.controls.stop;
  const finalState = stop ? END_STATE[stop.kind] : CampaignEndState.Done;
  campaign.notifier.raise('campaign.finished', { state: finalState, reason: stop?.reason });
  // The report lists failed deliveries: wait for the last ones (each is bounded by its target's timeout),
  // through a cancel too, which nothing is left to roll back: the campaign still ends with its report.
  if (campaign.notifier.inFlight > 0) {
    await CancellationScope.nonCancellable(() => condition(() => campaign.notifier.inFlight === 0));
  }
  return campaignReport(campaign, finalState);
}

/** Whether the campaign needs anything of the workers' environment: a `${VAR}` reference or a callback secret. */
function needsWorkerCheck(campaign: CampaignState): boolean {
  const { image, configDrive, hooks, notify, completion } = campaign.settings;
  return completion !== undefined || JSON.stringify([image.httpHeaders, configDrive, hooks, notify]).includes('${');
}

/**
 * The check `reimage plan` makes, again for a campaign started any other way: a reference the worker lacks
 * or does not grant, or a callback it cannot sign, would fail every server at its start, so it halts the
 * campaign before the first one.
 */
async function checkReferences(campaign: CampaignState): Promise<void> {
  const { image, configDrive, hooks, notify, completion } = campaign.settings;
  const acts = proxyActivities<HookActivities>(qualifyOptions);
  try {
    await acts.checkEnvReferences({ image, configDrive, hooks, notify, completion });
  } catch (err) {
    if (isCancellation(err)) throw err;
    campaign.stop('halt', classifyStepFailure(err, ServerOutcome.ConfigurationError).message);
  }
}

async function qualifyImage(campaign: CampaignState): Promise<void> {
  campaign.startQualifying();
  const { image } = campaign.settings;
  const acts = proxyActivities<ReimageActivities>(qualifyOptions);
  try {
    // Without server facts yet, an image that names an EFI loader is assumed to target UEFI servers.
    const qualified = await acts.qualifyImage({ image, targetsUefi: Boolean(image.efiBootloaderPath) });
    campaign.imageAccepted(qualified.sizeBytes);
  } catch (err) {
    if (isCancellation(err)) throw err;
    const failure = classifyStepFailure(err, ServerOutcome.ImageRejected);
    campaign.stop('halt', `The image was rejected before any server was touched: ${failure.message}`);
  }
}

/** The main loop: one decision per wake-up, until nothing runs and nothing more may start. */
async function rollOut(campaign: CampaignState): Promise<void> {
  for (;;) {
    await checkCarriedRunsIfDue(campaign);
    await continueAsNewIfDue(campaign);
    await rollBackAtWindowClose(campaign);
    if (campaign.controls.stop) {
      if (campaign.startRollBack()) await cancelRunning(campaign, { requeue: false });
      campaign.waitFor('stopping');
      if (campaign.servers.runningCount === 0) return;
      await waitForChange(campaign);
    } else if (isBudgetExceeded(campaign.failures, campaign.settings.failureBudget, campaign.fleet)) {
      const failed = `${campaign.failures} server${campaign.failures === 1 ? '' : 's'} failed`;
      const reason = `The failure budget is exceeded: ${failed}, ${campaign.failureBudget} allowed.`;
      campaign.stop('halt', `${reason} No new server starts.`);
    } else if (campaign.servers.pendingCount === 0) {
      if (campaign.servers.runningCount === 0) return;
      await waitForChange(campaign);
    } else if (campaign.controls.paused) {
      campaign.waitFor('paused');
      await waitForChange(campaign);
    } else if (campaign.waves.current.admitted >= campaign.waveSize()) {
      await passWaveGate(campaign);
    } else {
      await admit(campaign);
    }
  }
}

/** Between waves: everything finished, canary verdict, bake time, approval; then the next wave opens. */
async function passWaveGate(campaign: CampaignState): Promise<void> {
  if (campaign.servers.runningCount > 0) return waitForChange(campaign);
  campaign.notifier.raiseForWave(campaign.waves, 1, 'wave.finished');
  const canaryBudget = campaign.settings.canaryFailureBudget ?? 0;
  const wave = campaign.waves.current;
  if (wave.index === 0 && campaign.settings.waves.length > 0 && wave.failures > canaryBudget) {
    const reason = `The canary wave failed: ${wave.failures} of its ${wave.admitted} servers failed (canary budget ${canaryBudget}).`;
    return campaign.stop('halt', `${reason} No further wave starts.`);
  }
  if (campaign.settings.bakeTimeMs > 0) {
    const bakeUntilMs = campaign.waves.startBake(campaign.settings.bakeTimeMs);
    if (Date.now() < bakeUntilMs) {
      campaign.waitFor('baking');
      return waitForChange(campaign, bakeUntilMs);
    }
  }
  if (campaign.approvalNeeded(wave.index + 1)) {
    campaign.waitFor('awaiting_approval');
    campaign.notifier.raiseForWave(campaign.waves, 2, 'campaign.awaiting_approval');
    return waitForChange(campaign);
  }
  campaign.waves.openNext();
}

/** Starts as many servers as the slots, the wave, the caps and the window allow, or sleeps until one may. */
async function admit(campaign: CampaignState): Promise<void> {
  const now = Date.now();
  const window = windowAt(campaign.settings.windows, now);
  if (!window.open && window.opensAtMs === undefined) {
    return campaign.stop('halt', 'No maintenance window is left: the servers not yet started stay untouched.');
  }
  const expectedMs = expectedServerMs(campaign.learning.durations(), campaign.deadlineMs());
  if (!fitsInWindow(window, now, expectedMs)) {
    // Nothing runs, so the expected time cannot change: a window too short now is too short for good.
    const tooShort =
      campaign.servers.runningCount === 0 ? noWindowFits(campaign.settings.windows, now, expectedMs) : undefined;
    if (tooShort !== undefined) return campaign.stop('halt', tooShort);
    campaign.waitFor('outside_window');
    // Too late in this window: sleep until it closes, then until the next one opens.
    return waitForChange(campaign, nextWindowChange(window));
  }
  campaign.admitting();
  const free = startRoom(campaign);
  const room = campaign.waveSize() - campaign.waves.current.admitted;
  const { maxPerRack, maxPerDatacenter } = campaign.settings;
  const caps = { maxPerRack, maxPerDatacenter };
  const picked = free > 0 ? campaign.servers.candidates(Math.min(free, room), caps, campaign.waits.admissible()) : [];
  if (picked.length === 0) return waitForChange(campaign, window.closesAtMs);
  startServers(campaign, picked);
}

/**
 * How many servers may start now: the concurrency left, within the cap on unconfirmed starts. Servers waiting
 * for an unreachable OVH account do not count against the concurrency (the other accounts' servers go on),
 * within MAX_IN_FLIGHT.
 */
function startRoom(campaign: CampaignState): number {
  const running = campaign.servers.runningCount;
  const free = Math.min(campaign.concurrency() - campaign.activeCount(), MAX_IN_FLIGHT - running);
  const underCap = MAX_UNCONFIRMED_STARTS - campaign.startsInFlight;
  return Math.min(underCap, free);
}

/** With atClose 'rollback', cancels the servers still installing once their window has closed. */
async function rollBackAtWindowClose(campaign: CampaignState): Promise<void> {
  if (campaign.settings.atClose !== 'rollback' || campaign.servers.runningCount === 0) return;
  if (windowAt(campaign.settings.windows, Date.now()).open) return;
  await cancelRunning(campaign, { requeue: true });
}

/** Sleeps until a signal, update or report changes something, or until `untilMs` (a durable timer). */
async function waitForChange(campaign: CampaignState, untilMs?: number): Promise<void> {
  const seen = campaign.changes;
  const window = windowAt(campaign.settings.windows, Date.now());
  const closeAt =
    campaign.settings.atClose === 'rollback' && campaign.servers.runningCount > 0 ? window.closesAtMs : undefined;
  const wakes = [untilMs, closeAt, runCheckDueAt(campaign)].filter((t): t is number => t !== undefined);
  if (wakes.length === 0) {
    await condition(() => campaign.changes !== seen);
    return;
  }
  await condition(() => campaign.changes !== seen, Math.max(1, Math.min(...wakes) - Date.now()));
}

async function continueAsNewIfDue(campaign: CampaignState): Promise<void> {
  const info = workflowInfo();
  const threshold = Math.min(
    CONTINUE_AS_NEW_EVENTS,
    campaign.settings.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_EVENTS,
  );
  if (!info.continueAsNewSuggested && info.historyLength < threshold) return;
  // Every sent start must be confirmed (its run ID is carried), accepted updates must complete, and
  // notifications in flight must end (their failures are carried).
  await condition(() => campaign.startsInFlight === 0 && allHandlersFinished() && campaign.notifier.inFlight === 0);
  await continueAsNew<typeof reimageCampaignWorkflow>({ ...campaign.input, carried: campaign.encode() });
}
