/**
 * What `plan` and `start` share: the campaign file into workflow settings, a check that a worker is
 * listening, and the planCampaignWorkflow run (on the worker, which alone holds the OVH credentials).
 * The task queue and the allow-list come from the caller's Config (the command's, or a test stack's).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { CampaignSpec } from '../campaign/schema';
import { toCampaignSettings } from '../campaign/to-settings';
import type { Config } from '../config';
import type { CampaignInput } from '../shared/campaign-report-types';
import type { ServerTarget } from '../shared/campaign-types';
import { campaignIdAttribute } from '../shared/search-attributes';
import { campaignWorkflowId } from '../shared/workflow-ids';
import { planProgressQuery } from '../shared/campaign-messages';
import { HOOK_NAMES, type HooksSpec } from '../domain/hooks';
import type { CampaignPlan, HookTargetCheck, PlanInput, PlanProgress } from '../shared/plan-types';
import type { planCampaignWorkflow } from '../workflows';
import { campaignMemo } from './boot-verification';
import { UsageError } from './errors';

/** No worker polls the task queue: the campaign would wait forever. */
class NoWorkerError extends Error {
  override name = 'NoWorkerError';
}

/** A campaign ID from the file's name and the current UTC minute, e.g. "spring-refresh-20261126-2130". */
export function defaultCampaignId(spec: CampaignSpec, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `${spec.name}-${stamp}`;
}

/** A worker that has just started may take a moment to show up as a poller. */
const WORKER_GRACE_MS = 3_000;

/** The identities (`<pid>@<host>` by default) of the workers that recently polled `taskQueue` for workflows. */
export async function workflowPollers(client: Client, taskQueue: string): Promise<string[]> {
  const answer = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (answer.pollers ?? []).map((poller) => poller.identity ?? '');
}

/** Fails, naming the fix, when no worker polls `taskQueue` within a short grace period. */
async function requireWorker(client: Client, taskQueue: string): Promise<void> {
  const deadline = Date.now() + WORKER_GRACE_MS;
  while ((await workflowPollers(client, taskQueue)).length === 0) {
    if (Date.now() > deadline) {
      throw new NoWorkerError(
        `No worker is polling task queue "${taskQueue}": start one with "reimage worker" (it holds the OVH credentials), then try again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * The campaign workflow's input for `servers` (resolved from the file), run on `taskQueue`, with the speed of
 * OVH's clock the plan found on the worker (a rehearsal against a sped-up simulator; absent: real time).
 */
export function campaignInput(
  spec: CampaignSpec,
  campaignId: string,
  servers: ServerTarget[],
  taskQueue: string,
  ovhClockSpeed?: number,
): CampaignInput {
  const speed = ovhClockSpeed !== undefined ? { ovhClockSpeed } : {};
  return { campaignId, servers, settings: toCampaignSettings(spec, taskQueue), ...speed };
}

/** How often a plan's progress is asked for while it runs. */
const PROGRESS_EVERY_MS = 1_000;

export interface PlanOptions {
  /** Preflight only this many servers per commercial range. */
  samplePerRange?: number;
  /** Called with the plan's progress about every second while it runs. */
  onProgress?: (progress: PlanProgress) => void;
}

/** Runs the plan workflow for `spec` (once a worker polls the task queue) and returns its answer. */
export async function runPlan(
  client: Client,
  spec: CampaignSpec,
  campaignId: string,
  preflight: boolean,
  config: Pick<Config, 'taskQueue' | 'allowedServers'>,
  options: PlanOptions = {},
): Promise<CampaignPlan> {
  const { taskQueue } = config;
  await requireWorker(client, taskQueue);
  const settings = toCampaignSettings(spec, taskQueue);
  const sampling = options.samplePerRange !== undefined;
  const input: PlanInput = {
    campaignId,
    settings,
    preflight,
    selection: spec.servers,
    exclude: spec.exclude,
    allowList: spec.allowList ?? config.allowedServers?.slice(),
    accounts: spec.accounts,
    needPlacement: sampling || spec.rollout.maxPerRack !== undefined || spec.rollout.maxPerDatacenter !== undefined,
    samplePerRange: sampling ? options.samplePerRange : undefined,
  };
  const handle = await client.workflow.start<typeof planCampaignWorkflow>('planCampaignWorkflow', {
    taskQueue,
    workflowId: `plan/${campaignId}/${randomUUID().slice(0, 8)}`,
    args: [input],
    workflowExecutionTimeout: '2h',
  });
  const plan = await resultWithProgress(handle, options.onProgress);
  const queues = await hookQueueChecks(client, spec.hooks);
  return queues.length > 0 ? { ...plan, hooks: [...(plan.hooks ?? []), ...queues] } : plan;
}

/** The plan's result, reporting its progress to `onProgress` (when given) until then. */
async function resultWithProgress(
  handle: WorkflowHandle<typeof planCampaignWorkflow>,
  onProgress: ((progress: PlanProgress) => void) | undefined,
): Promise<CampaignPlan> {
  if (!onProgress) return handle.result();
  const timer = setInterval(() => {
    handle.query(planProgressQuery).then(onProgress, () => undefined);
  }, PROGRESS_EVERY_MS);
  try {
    return await handle.result();
  } finally {
    clearInterval(timer);
  }
}

/** Whether a worker polls the task queue of each workflow hook (the team's worker, not reimage's). */
async function hookQueueChecks(client: Client, hooks: HooksSpec | undefined): Promise<HookTargetCheck[]> {
  const checks: HookTargetCheck[] = [];
  for (const name of HOOK_NAMES) {
    const hook = hooks?.[name];
    if (hook?.kind !== 'workflow') continue;
    const pollers = (await workflowPollers(client, hook.taskQueue)).length;
    checks.push({
      path: `hooks.${name}.workflow`,
      target: `${hook.workflowType} on task queue ${hook.taskQueue}`,
      allowed: true,
      answers: pollers > 0,
      message:
        pollers > 0
          ? `${pollers} worker${pollers === 1 ? '' : 's'} poll${pollers === 1 ? 's' : ''} task queue "${hook.taskQueue}"`
          : `no worker polls task queue "${hook.taskQueue}": start the worker that runs ${hook.workflowType} before the campaign`,
    });
  }
  return checks;
}

/** Starts the campaign workflow of campaignInput's arguments; returns its workflow ID. */
export async function startCampaign(
  client: Client,
  spec: CampaignSpec,
  campaignId: string,
  servers: ServerTarget[],
  taskQueue: string,
  ovhClockSpeed?: number,
): Promise<string> {
  const input = campaignInput(spec, campaignId, servers, taskQueue, ovhClockSpeed);
  const workflowId = campaignWorkflowId(campaignId);
  try {
    await client.workflow.start('reimageCampaignWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      typedSearchAttributes: [{ key: campaignIdAttribute, value: campaignId }],
      ...campaignMemo(spec),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new UsageError(`A campaign with ID "${campaignId}" already exists; choose another with --id.`);
    }
    throw err;
  }
  return workflowId;
}

/** Why the plan's servers cannot start, one line each (empty when nothing is wrong). */
export function serverListProblems(plan: CampaignPlan): string[] {
  return [
    ...plan.unknown.map((name) => {
      const close = plan.suggestions?.[name];
      return `${name}: no OVH account of the worker has such a server${close ? `; did you mean "${close}"?` : ''}`;
    }),
    ...(plan.ambiguous ?? []).map(
      ({ serviceName, accounts }) =>
        `${serviceName}: found in several OVH accounts (${accounts.join(' and ')}); restrict the campaign with "accounts:" to the right one`,
    ),
    ...plan.notAllowed.map((name) => `${name}: not on the allow-list`),
  ];
}
