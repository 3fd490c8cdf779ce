/** Starting campaigns and waiting on their progress in tests. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { reimageCampaignWorkflow } from '../../../src/workflows';
import { campaignProgressQuery } from '../../../src/shared/campaign-messages';
import type { CampaignProgress } from '../../../src/shared/campaign-report-types';
import type { CampaignSettings, ServerTarget } from '../../../src/shared/campaign-types';
import { campaignWorkflowId } from '../../../src/shared/workflow-ids';

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

/** Polls the progress query until `predicate` holds (fails after `timeoutMs`, showing the last progress). */
export async function waitForProgress(
  handle: CampaignHandle,
  predicate: (p: CampaignProgress) => boolean,
  timeoutMs = 20_000,
): Promise<CampaignProgress> {
  const deadline = Date.now() + timeoutMs;
  let last: CampaignProgress | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(campaignProgressQuery);
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The campaign progress never matched; last: ${JSON.stringify({ ...last, servers: undefined })}`);
}

/**
 * Polls `check` until it returns something other than undefined or false, and returns that; a check that
 * throws (e.g. a child not started yet) counts as not yet. Fails after `timeoutMs`.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(check)
      .catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('The condition did not hold in time.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
