/**
 * The campaign file's normalized spec onto the workflow's CampaignSettings. Values that differ per
 * deployment (the task queue) arrive here, never from the environment inside the workflow.
 */
import type { CampaignSettings } from '../shared/campaign-types';
import type { CampaignSpec } from './schema';

/** Workflow settings for `spec`, run on `taskQueue`. */
export function toCampaignSettings(spec: CampaignSpec, taskQueue: string): CampaignSettings {
  return {
    route: spec.route,
    image: spec.image,
    configDrive: spec.configDrive,
    deadlines: {
      installMs: spec.deadlines.installMs,
      bootMs: spec.deadlines.bootMs,
      rollbackMs: spec.deadlines.rollbackMs,
    },
    poll: spec.poll,
    bootProbe: spec.bootProbe,
    redeployAfterRollback: spec.retry.redeployAfterRollback,
    maxParallel: spec.rollout.maxParallel,
    waves: spec.rollout.waves,
    maxPerRack: spec.rollout.maxPerRack,
    maxPerDatacenter: spec.rollout.maxPerDatacenter,
    failureBudget: spec.rollout.failureBudget,
    bakeTimeMs: spec.rollout.bakeTimeMs,
    approval: spec.rollout.approval,
    failurePolicy: spec.rollout.failurePolicy,
    windows: spec.windows,
    atClose: spec.atClose,
    // The image is qualified once per campaign before any server is touched: always on for real campaigns.
    qualifyImage: true,
    taskQueue,
    diskGroupId: spec.diskGroupId,
    hooks: spec.hooks,
    completion: spec.completion,
    notify: spec.notify,
  };
}
