/**
 * Signals, queries and updates of the reimage workflows, shared by the workflows and the CLI.
 * The wire name is the variable name minus its kind (`pauseCampaignSignal` -> `pauseCampaign`). Workflow-safe.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CampaignProgress } from './campaign-report-types';
import type { AccountStatusReport, ServerCallback, ServerProgress, ServerResult } from './campaign-types';
import type { PlanProgress } from './plan-types';

/** Sent by each server workflow to its campaign's workflow ID when it ends (survives continue-as-new). */
export const serverFinishedSignal = defineSignal<[ServerResult]>('serverFinished');

/**
 * Sent by a campaign to a server run, by run ID, to learn whether it is still open (the signal of a closed
 * run fails); the server workflow ignores it.
 */
export const serverRunCheckSignal = defineSignal('serverRunCheck');

/**
 * Sent by `reimage callback-server` to a server run once the server called back with a token it verified.
 * The validator refuses a callback for a deployment that does not wait for one (another run's, an ended one's,
 * or one already called back), so only the first callback of the deployment in progress is accepted.
 */
export const serverCallbackUpdate = defineUpdate<'accepted', [ServerCallback]>('serverCallback');

/** Sent by a server workflow when its OVH account stops answering, and again when it answers. */
export const accountStatusSignal = defineSignal<[AccountStatusReport]>('accountStatus');

/**
 * A server's phase, timestamps, deployments and API calls. The install step (i of N) is not in it: the
 * workflow cannot read heartbeats. Read it from `handle.describe()`: `raw.pendingActivities[0].heartbeatDetails`
 * of the running waitForDeployment holds a DeploymentProgress (`step: {index, total, name}`).
 */
export const serverProgressQuery = defineQuery<ServerProgress>('serverProgress');

/** Stops admitting servers; in-flight servers continue. */
export const pauseCampaignSignal = defineSignal('pauseCampaign');
/** Admits servers again after a pause. */
export const resumeCampaignSignal = defineSignal('resumeCampaign');
/** Admits no more servers, lets in-flight ones finish, ends `drained`. */
export const drainCampaignSignal = defineSignal('drainCampaign');
/** Admits no more servers, cancels in-flight ones (each rolls back to rescue), ends `cancelled`. */
export const cancelCampaignSignal = defineSignal('cancelCampaign');

/** Sets the parallelism (an integer from 1 to 500); returns the value now in force. */
export const setConcurrencyUpdate = defineUpdate<number, [number]>('setConcurrency');
/** Opens the approval gate of the next wave; returns that wave's number (1-based). */
export const approveNextWaveUpdate = defineUpdate<number, []>('approveNextWave');
/** Marks a server that has not started as skipped. */
export const skipServerUpdate = defineUpdate<void, [string]>('skipServer');
/**
 * Releases a running server: its run is cancelled by run ID (it rolls back and reports `cancelled`), or,
 * when that run already closed without reporting, the server is recorded `run_closed`; returns which.
 */
export const releaseServerUpdate = defineUpdate<ReleaseAnswer, [string]>('releaseServer');
/** What releaseServer did: cancelled a run still open, or recorded a closed one. */
export type ReleaseAnswer = 'cancelling' | 'run_closed';
/** Queues a failed (or skipped, or cancelled) server again; returns its new attempt number. */
export const retryServerUpdate = defineUpdate<number, [string]>('retryServer');

/** Counts, per-server rows, ETA, API calls, wave, flags and window state. */
/** Where a plan stands: `reimage plan` polls it for its progress bar. */
export const planProgressQuery = defineQuery<PlanProgress>('planProgress');

export const campaignProgressQuery = defineQuery<CampaignProgress>('campaignProgress');
