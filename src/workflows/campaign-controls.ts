/**
 * Operator controls of a campaign and the servers' finish reports. Every handler is synchronous and only
 * changes state, then wakes the main loop (`touch`). Update validators name the problem and reject without
 * writing history.
 */
import { setHandler } from '@temporalio/workflow';
import { ApprovalMode } from '../domain/rollout';
import { ServerOutcome } from '../shared/failure-types';
import {
  accountStatusSignal,
  approveNextWaveUpdate,
  campaignProgressQuery,
  cancelCampaignSignal,
  drainCampaignSignal,
  pauseCampaignSignal,
  resumeCampaignSignal,
  releaseServerUpdate,
  retryServerUpdate,
  serverFinishedSignal,
  type ReleaseAnswer,
  setConcurrencyUpdate,
  skipServerUpdate,
} from '../shared/campaign-messages';
import { MAX_IN_FLIGHT } from './budget';
import { cancelChild } from './campaign-children';
import type { CampaignState } from './campaign-state';
import { campaignProgress } from './campaign-views';
import type { ServerSlot } from './rollout-state';

/** Why the campaign stops, by kind; `halt` reasons are written where the halt happens. */
const STOP_REASONS = {
  drain: 'An operator drained the campaign: servers in flight finish, no new server starts.',
  cancel: 'An operator cancelled the campaign: servers in flight roll back to rescue, no new server starts.',
} as const;

/** Registers every signal, query and update of the campaign. */
export function installCampaignHandlers(campaign: CampaignState): void {
  setHandler(serverFinishedSignal, (result) => void campaign.recordResult(result));
  setHandler(accountStatusSignal, (report) => campaign.recordAccountStatus(report));
  setHandler(pauseCampaignSignal, () => campaign.setPaused(true));
  setHandler(resumeCampaignSignal, () => campaign.setPaused(false));
  setHandler(drainCampaignSignal, () => campaign.stop('drain', STOP_REASONS.drain));
  setHandler(cancelCampaignSignal, () => campaign.stop('cancel', STOP_REASONS.cancel));
  setHandler(campaignProgressQuery, () => campaignProgress(campaign));
  setHandler(setConcurrencyUpdate, (value) => campaign.overrideConcurrency(value), { validator: validateConcurrency });
  setHandler(approveNextWaveUpdate, () => campaign.approveNextWave(), { validator: () => validateApproval(campaign) });
  setHandler(skipServerUpdate, (name) => campaign.skip(slotOf(campaign, name)), {
    validator: (name) => validateSkip(campaign, name),
  });
  setHandler(releaseServerUpdate, (name) => releaseServer(campaign, name), {
    validator: (name) => validateRelease(campaign, name),
  });
  setHandler(retryServerUpdate, (name) => campaign.retry(slotOf(campaign, name)), {
    validator: (name) => validateRetry(campaign, name),
  });
}

async function releaseServer(campaign: CampaignState, name: string): Promise<ReleaseAnswer> {
  const open = await cancelChild(campaign, slotOf(campaign, name), 'an operator released it');
  campaign.touch();
  return open ? 'cancelling' : 'run_closed';
}

function slotOf(campaign: CampaignState, name: string): ServerSlot {
  return campaign.servers.find(name) as ServerSlot;
}

function validateConcurrency(value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_IN_FLIGHT) {
    throw new Error(`setConcurrency: the value must be an integer from 1 to ${MAX_IN_FLIGHT} (got ${String(value)}).`);
  }
}

function validateApproval(campaign: CampaignState): void {
  if (campaign.settings.approval === ApprovalMode.None) {
    throw new Error(
      'approveNextWave: this campaign has no approval gate (approval: none), so there is nothing to approve.',
    );
  }
  if (campaign.controls.stop)
    throw new Error(`approveNextWave: the campaign admits no more servers. ${campaign.controls.stop.reason}`);
  if (campaign.servers.pendingCount === 0) throw new Error('approveNextWave: no server is left for a next wave.');
}

function knownSlot(campaign: CampaignState, name: string, verb: string): ServerSlot {
  const slot = campaign.servers.find(name);
  if (!slot) throw new Error(`${verb}: server "${name}" is not part of campaign ${campaign.input.campaignId}.`);
  return slot;
}

function validateSkip(campaign: CampaignState, name: string): void {
  const slot = knownSlot(campaign, name, 'skipServer');
  if (slot.state !== 'pending') {
    const release = slot.state === 'running' ? ' Release a running one with releaseServer.' : '';
    throw new Error(
      `skipServer: server "${name}" is ${slot.state}; only a server that has not started can be skipped.${release}`,
    );
  }
}

function validateRelease(campaign: CampaignState, name: string): void {
  const slot = knownSlot(campaign, name, 'releaseServer');
  if (slot.state !== 'running') {
    throw new Error(`releaseServer: server "${name}" is ${slot.state}; only a running server can be released.`);
  }
  if (slot.runId === undefined) {
    throw new Error(
      `releaseServer: the start of server "${name}" is not confirmed yet, so its run is unknown; try again in a moment.`,
    );
  }
}

function validateRetry(campaign: CampaignState, name: string): void {
  const slot = knownSlot(campaign, name, 'retryServer');
  if (campaign.rolloutEnded) {
    throw new Error(
      `retryServer: campaign ${campaign.input.campaignId} has finished its rollout and only writes its report; start a new campaign for server "${name}".`,
    );
  }
  if (campaign.controls.stop)
    throw new Error(`retryServer: the campaign admits no more servers. ${campaign.controls.stop.reason}`);
  if (slot.state !== 'finished') {
    throw new Error(
      `retryServer: server "${name}" is ${slot.state}, not failed; only a finished server that failed can be retried.`,
    );
  }
  if (slot.result?.outcome === ServerOutcome.Done) {
    throw new Error(`retryServer: server "${name}" was reimaged successfully, not failed; there is nothing to retry.`);
  }
}
