/**
 * A drill's campaign, started through the code `reimage start` runs (validateCampaignData, runPlan,
 * startCampaign), and its end awaited through whatever the drill does to Temporal and the worker.
 */
import type { Client } from '@temporalio/client';
import { validateCampaignData } from '../../src/campaign/loader';
import { runPlan, startCampaign } from '../../src/cli/plan-runner';
import type { CampaignReport } from '../../src/shared/campaign-report-types';
import { campaignWorkflowId } from '../../src/shared/workflow-ids';
import type { DrillStack } from './stack';

export interface DrillCampaignOptions {
  campaignId: string;
  maxParallel: number;
}

/** The campaign file a drill would write, as data: fast polls, a boot probe, a budget that never halts. */
function drillCampaignData(stack: DrillStack, options: DrillCampaignOptions): Record<string, unknown> {
  return {
    name: 'drill',
    servers: stack.servers,
    image: {
      url: stack.image.url,
      type: 'raw',
      checksum: `sha256:${stack.image.sha256}`,
      efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
    },
    configDrive: { hostname: '{shortName}.drill.example.com' },
    route: 'reinstall',
    rollout: { waves: [], maxParallel: options.maxParallel, failureBudget: stack.servers.length },
    // The simulator runs thousands of times faster than OVH: installs end within a few polls.
    poll: { minInterval: '1s', maxInterval: '2s' },
    // A server whose OS never boots fails the probe; a short deadline keeps the drill short.
    bootProbe: { type: 'http', url: `https://localhost:${stack.sim.port}/_sim/probe/{serviceName}`, timeout: '2s' },
    deadlines: { boot: '15s' },
  };
}

/** Plans (read-only resolution) and starts the campaign on the stack's task queue; returns its workflow ID. */
export async function startDrillCampaign(stack: DrillStack, options: DrillCampaignOptions): Promise<string> {
  const spec = validateCampaignData(drillCampaignData(stack, options));
  const plan = await runPlan(stack.client, spec, options.campaignId, false, stack.config);
  if (plan.servers.length !== stack.servers.length) {
    throw new Error(`The drill's plan resolved ${plan.servers.length} of ${stack.servers.length} servers.`);
  }
  return startCampaign(
    stack.client,
    spec,
    options.campaignId,
    plan.servers,
    stack.config.taskQueue,
    plan.ovhClockSpeed,
  );
}

/** Whether the campaign workflow is still running; undefined while Temporal does not answer. */
export async function campaignRunning(client: Client, campaignId: string): Promise<boolean | undefined> {
  try {
    const description = await client.workflow.getHandle(campaignWorkflowId(campaignId)).describe();
    return description.status.name === 'RUNNING';
  } catch {
    return undefined;
  }
}

/** Waits for the campaign workflow to close (surviving Temporal outages) and returns its report. */
export async function awaitReport(client: Client, campaignId: string, timeoutMs: number): Promise<CampaignReport> {
  const deadline = Date.now() + timeoutMs;
  while ((await campaignRunning(client, campaignId)) !== false) {
    if (Date.now() > deadline) {
      throw new Error(`Campaign ${campaignId} did not finish within ${Math.round(timeoutMs / 1000)} s.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return (await client.workflow.getHandle(campaignWorkflowId(campaignId)).result()) as CampaignReport;
}
