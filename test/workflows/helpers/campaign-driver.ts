/** Starting campaigns and waiting on their progress in tests. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { reimageCampaignWorkflow } from '../../../src/workflows';
import { campaignProgressQuery } from '../../../src/shared/campaign-messages';
import type { CampaignProgress } from '../../../src/shared/campaign-report-types';
import type { CampaignSettings, ServerTarget } from '../../../src/shared/campaign-types';
import { campaignWorkflowId } from '../../../src/shared/workflow-ids';
import { waitForValue } from '../../helpers/wait-for';

export type CampaignHandle = WorkflowHandle<typeof reimageCampaignWorkflow>;

/** `n` servers named after the test's task queue, so tests never share a server workflow ID. */
export function fleet(
  prefix: string,
  n: number,
  extra: (i: number) => Partial<ServerTarget> = () => ({}),
): ServerTarget[] {
  return Array.from({ length: n }, (_, i) => ({ serviceName: `${prefix}-s${i + 1}`, ...extra(i) }));
}

export function startCampaign(
  env: TestWorkflowEnvironment,
  id: string,
  servers: ServerTarget[],
  settings: CampaignSettings,
): Promise<CampaignHandle> {
  return env.client.workflow.start(reimageCampaignWorkflow, {
    workflowId: campaignWorkflowId(id),
    taskQueue: settings.taskQueue,
    args: [{ campaignId: id, servers, settings }],
  });
}

/**
 * Polls the progress query until `predicate` holds and returns that progress; fails after 20 s naming `what`
 * (by default the predicate's source) and showing the last progress without its server rows.
 */
export function waitForProgress(
  handle: CampaignHandle,
  predicate: (p: CampaignProgress) => boolean,
  what = `progress where ${predicate.toString()}`,
  timeoutMs?: number,
): Promise<CampaignProgress> {
  return waitForValue(() => handle.query(campaignProgressQuery), predicate, {
    what: `campaign ${handle.workflowId}: ${what}`,
    timeoutMs,
    everyMs: 100,
    show: (p) => ({ ...p, servers: undefined }),
  });
}
