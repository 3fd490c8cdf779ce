/**
 * planCampaignWorkflow: the dry run behind `reimage plan` and `reimage start`. Read-only by construction:
 * it resolves the campaign's servers and, when asked, qualifies the image and runs every server's
 * preflight (GETs only), then returns what a campaign would do. It never starts a deployment.
 * It runs on the worker, so the CLI needs no OVH credentials.
 */
import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { PlanActivities } from '../activities/plan-types';
import type { ReimageActivities } from '../activities/types';
import { waveSizes } from '../campaign/rollout-math';
import { planProgressQuery } from '../shared/campaign-messages';
import type { ServerTarget } from '../shared/campaign-types';
import type { CampaignPlan, PlanInput, PlanProgress, SampledRange } from '../shared/plan-types';
import { NON_RETRYABLE_TYPES, qualifyOptions } from './server-activities';

const retry = { maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_TYPES };
const reads = proxyActivities<PlanActivities & ReimageActivities>({ startToCloseTimeout: '10m', retry });
const qualify = proxyActivities<ReimageActivities>(qualifyOptions);

/** Preflights run this many servers at a time: the OVH rate budget is the real limit, this bounds memory. */
const PREFLIGHT_BATCH = 20;
/** The range of a server OVH names none for. */
const UNKNOWN_RANGE = 'unknown';

/** Resolves, and optionally qualifies and preflights, without touching any server. */
export async function planCampaignWorkflow(input: PlanInput): Promise<CampaignPlan> {
  const progress: PlanProgress = { phase: 'resolving', total: 0, done: 0, apiCalls: 0 };
  setHandler(planProgressQuery, () => progress);
  const resolved = await reads.resolveServers(input);
  progress.apiCalls = resolved.apiCalls;
  const plan: CampaignPlan = { campaignId: input.campaignId, ...resolved, skipped: [], waves: [], apiCalls: 0 };
  if (input.preflight) {
    progress.phase = 'qualifying';
    // A campaign that names an EFI loader targets UEFI servers: the image then needs an EFI system partition.
    const targetsUefi = Boolean(input.settings.image.efiBootloaderPath);
    plan.image = await qualify.qualifyImage({ image: input.settings.image, targetsUefi });
    const { checked, unchecked, sampled } = sample(resolved.servers, input.samplePerRange);
    if (sampled) plan.sampled = sampled;
    progress.phase = 'preflight';
    progress.total = checked.length;
    const kept: ServerTarget[] = [];
    for (let i = 0; i < checked.length; i += PREFLIGHT_BATCH) {
      const batch = checked.slice(i, i + PREFLIGHT_BATCH);
      const verdicts = await Promise.all(batch.map((server) => preflight(input, server, plan.image!.sizeBytes)));
      for (const [index, verdict] of verdicts.entries()) {
        progress.apiCalls += verdict.apiCalls;
        if (verdict.ok)
          kept.push({ ...batch[index]!, datacenter: verdict.server?.datacenter, rack: verdict.server?.rack });
        else plan.skipped.push({ serviceName: verdict.serviceName, failedChecks: verdict.failedChecks });
      }
      progress.done += batch.length;
    }
    // Servers a sample left out are kept: each campaign server runs its own preflight anyway.
    const keptByName = new Map([...unchecked, ...kept].map((server) => [server.serviceName, server]));
    plan.servers = resolved.servers.flatMap((server) => keptByName.get(server.serviceName) ?? []);
  }
  plan.apiCalls = progress.apiCalls;
  plan.waves = waveSizes(input.settings.waves, plan.servers.length);
  progress.phase = 'done';
  return plan;
}

/** The servers to preflight: all of them, or the first `perRange` of each commercial range. */
function sample(
  servers: ServerTarget[],
  perRange: number | undefined,
): { checked: ServerTarget[]; unchecked: ServerTarget[]; sampled?: SampledRange[] } {
  if (perRange === undefined) return { checked: servers, unchecked: [] };
  const byRange = new Map<string, ServerTarget[]>();
  for (const server of servers) {
    const range = server.commercialRange ?? UNKNOWN_RANGE;
    byRange.set(range, [...(byRange.get(range) ?? []), server]);
  }
  const checked = new Set<string>();
  const sampled: SampledRange[] = [];
  for (const [commercialRange, members] of [...byRange.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const picked = members.slice(0, perRange);
    for (const server of picked) checked.add(server.serviceName);
    sampled.push({ commercialRange, servers: members.length, preflighted: picked.length });
  }
  return {
    checked: servers.filter((server) => checked.has(server.serviceName)),
    unchecked: servers.filter((server) => !checked.has(server.serviceName)),
    sampled,
  };
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
