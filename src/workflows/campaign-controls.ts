/**
 * Operator controls of a campaign and the servers' finish reports. Every handler is synchronous and only
 * changes state, then wakes the main loop (`touch`). Update validators name the problem and reject without
 * writing history.
 */
import { setHandler } from '@temporalio/workflow';
import { ApprovalMode } from '../domain/rollout';
import { ServerOutcome } from '../shared/failure-types';
import {
  approveNextWaveUpdate,
  campaignProgressQuery,
  cancelCampaignSignal,
  drainCampaignSignal,
  pauseCampaignSignal,
  resumeCampaignSignal,
  retryServerUpdate,
  serverFinishedSignal,
  setConcurrencyUpdate,
  skipServerUpdate,
} from '../shared/campaign-messages';
import type { ControlState } from '../shared/campaign-report-types';
import { MAX_IN_FLIGHT } from './budget';
import type { CampaignRun } from './campaign-run';
import type { ServerSlot } from './rollout-state';

/** Why the campaign stops, by kind; `halt` reasons are written where the halt happens. */
const STOP_REASONS = {
  drain: 'An operator drained the campaign: servers in flight finish, no new server starts.',
  cancel: 'An operator cancelled the campaign: servers in flight roll back to rescue, no new server starts.',
} as const;

/** Stops admissions for good; a cancel overrides a drain or a halt (it also rolls back what runs). */
export function stopCampaign(c: CampaignRun, kind: NonNullable<ControlState['stop']>['kind'], reason: string): void {
  const current = c.controls.stop;
  if (current && (current.kind === 'cancel' || kind !== 'cancel')) return;
  c.controls.stop = { kind, reason, childrenCancelled: false };
  c.touch();
}

/** Registers every signal, query and update of the campaign. */
export function installCampaignHandlers(c: CampaignRun): void {
  setHandler(serverFinishedSignal, (result) => void c.onResult(result));
  setHandler(pauseCampaignSignal, () => setPaused(c, true));
  setHandler(resumeCampaignSignal, () => setPaused(c, false));
  setHandler(drainCampaignSignal, () => stopCampaign(c, 'drain', STOP_REASONS.drain));
  setHandler(cancelCampaignSignal, () => stopCampaign(c, 'cancel', STOP_REASONS.cancel));
  setHandler(campaignProgressQuery, () => c.progress());
  setHandler(
    setConcurrencyUpdate,
    (value) => {
      c.controls.concurrencyOverride = value;
      c.touch();
      return c.concurrency();
    },
    { validator: validateConcurrency },
  );
  setHandler(approveNextWaveUpdate, () => approveNextWave(c), { validator: () => validateApproval(c) });
  setHandler(
    skipServerUpdate,
    (name) => {
      c.state.finishWithout(
        slotOf(c, name),
        ServerOutcome.Skipped,
        'An operator skipped the server before it started.',
      );
      c.touch();
    },
    { validator: (name) => validateSkip(c, name) },
  );
  setHandler(
    retryServerUpdate,
    (name) => {
      const attempt = c.state.retry(slotOf(c, name));
      c.touch();
      return attempt;
    },
    { validator: (name) => validateRetry(c, name) },
  );
}

function setPaused(c: CampaignRun, paused: boolean): void {
  c.controls.paused = paused;
  c.touch();
}

function approveNextWave(c: CampaignRun): number {
  c.controls.approvedWave = Math.max(c.controls.approvedWave, c.wave.index + 1);
  c.touch();
  return c.controls.approvedWave + 1;
}

function slotOf(c: CampaignRun, name: string): ServerSlot {
  return c.state.find(name) as ServerSlot;
}

function validateConcurrency(value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_IN_FLIGHT) {
    throw new Error(`setConcurrency: the value must be an integer from 1 to ${MAX_IN_FLIGHT} (got ${String(value)}).`);
  }
}

function validateApproval(c: CampaignRun): void {
  if (c.settings.approval === ApprovalMode.None) {
    throw new Error(
      'approveNextWave: this campaign has no approval gate (approval: none), so there is nothing to approve.',
    );
  }
  if (c.controls.stop)
    throw new Error(`approveNextWave: the campaign admits no more servers. ${c.controls.stop.reason}`);
  if (c.state.pendingCount === 0) throw new Error('approveNextWave: no server is left for a next wave.');
}

function knownSlot(c: CampaignRun, name: string, verb: string): ServerSlot {
  const slot = c.state.find(name);
  if (!slot) throw new Error(`${verb}: server "${name}" is not part of campaign ${c.input.campaignId}.`);
  return slot;
}

function validateSkip(c: CampaignRun, name: string): void {
  const slot = knownSlot(c, name, 'skipServer');
  if (slot.state !== 'pending') {
    throw new Error(
      `skipServer: server "${name}" is ${slot.state}; only a server that has not started can be skipped.`,
    );
  }
}

function validateRetry(c: CampaignRun, name: string): void {
  const slot = knownSlot(c, name, 'retryServer');
  if (c.controls.stop) throw new Error(`retryServer: the campaign admits no more servers. ${c.controls.stop.reason}`);
  if (slot.state !== 'finished') {
    throw new Error(
      `retryServer: server "${name}" is ${slot.state}, not failed; only a finished server that failed can be retried.`,
    );
  }
  if (slot.result?.outcome === ServerOutcome.Done) {
    throw new Error(`retryServer: server "${name}" was reimaged successfully, not failed; there is nothing to retry.`);
  }
}
