/**
 * planCampaignWorkflow: the dry run behind `reimage plan` and `reimage start`. Read-only by construction:
 * it resolves the campaign's servers and, when asked, qualifies the image and runs every server's
 * preflight (GETs only), then returns what a campaign would do. It never starts a deployment.
 * It runs on the worker, so the CLI needs no OVH credentials.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { PlanActivities } from '../activities/plan-types';
import type { ReimageActivities } from '../activities/types';
import { waveSizes } from '../campaign/rollout-math';
import type { ServerTarget } from '../shared/campaign-types';
import type { CampaignPlan, PlanInput } from '../shared/plan-types';
import { NON_RETRYABLE_TYPES, qualifyOptions } from './server-activities';

const retry = { maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_TYPES };
const reads = proxyActivities<PlanActivities & ReimageActivities>({ startToCloseTimeout: '10m', retry });
const qualify = proxyActivities<ReimageActivities>(qualifyOptions);

/** Preflights run this many servers at a time: the OVH rate budget is the real limit, this bounds memory. */
const PREFLIGHT_BATCH = 20;

/** Resolves, and optionally qualifies and preflights, without touching any server. */
export async function planCampaignWorkflow(input: PlanInput): Promise<CampaignPlan> {
  const resolved = await reads.resolveServers(input);
  let apiCalls = resolved.apiCalls;
  const plan: CampaignPlan = { campaignId: input.campaignId, ...resolved, skipped: [], waves: [], apiCalls };
  if (input.preflight) {
    // A campaign that names an EFI loader targets UEFI servers: the image then needs an EFI system partition.
    const targetsUefi = Boolean(input.settings.image.efiBootloaderPath);
    plan.image = await qualify.qualifyImage({ image: input.settings.image, targetsUefi });
    const kept: ServerTarget[] = [];
    for (let i = 0; i < resolved.servers.length; i += PREFLIGHT_BATCH) {
      const batch = resolved.servers.slice(i, i + PREFLIGHT_BATCH);
      const verdicts = await Promise.all(batch.map((server) => preflight(input, server, plan.image!.sizeBytes)));
      for (const [index, verdict] of verdicts.entries()) {
        apiCalls += verdict.apiCalls;
        if (verdict.ok)
          kept.push({ ...batch[index]!, datacenter: verdict.server?.datacenter, rack: verdict.server?.rack });
        else plan.skipped.push({ serviceName: verdict.serviceName, failedChecks: verdict.failedChecks });
      }
    }
    plan.servers = kept;
  }
  plan.apiCalls = apiCalls;
  plan.waves = waveSizes(input.settings.waves, plan.servers.length);
  return plan;
}

async function preflight(input: PlanInput, server: ServerTarget, imageSizeBytes: number) {
  const choice = input.settings.route;
  // `auto` costs one read per server; its calls count in the plan's total like the preflight's.
  const detected = choice === 'auto' ? await reads.detectRoute({ serviceName: server.serviceName }) : undefined;
  const route = choice === 'auto' ? detected!.route : choice;
  const verdict = await reads.preflightServer({
    campaignId: input.campaignId,
    serviceName: server.serviceName,
    route,
    image: input.settings.image,
    imageSizeBytes,
    diskGroupId: input.settings.diskGroupId,
  });
  return { ...verdict, apiCalls: verdict.apiCalls + (detected?.apiCalls ?? 0) };
}
