/**
 * planCampaignWorkflow: the dry run behind `reimage plan` and `reimage start`. Read-only by construction:
 * it resolves the campaign's servers and, when asked, qualifies the image and runs every server's
 * preflight (GETs only), then returns what a campaign would do. It never starts a deployment.
 * It runs on the worker, so the CLI needs no OVH credentials.
 *
 * Before any OVH call it resolves every `${VAR}` reference of the campaign on the worker (by name: a
 * missing one fails the plan with ConfigurationError, never echoing a value).
 *
 * Servers are resolved account by account, each on its account's task queue (the worker holding it lists
 * that account's servers), and each preflight runs on its server's account queue.
 */
import { proxyActivities, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { DetectedRoute, HookActivities, PlanActivities, ReimageActivities } from '../activities/types';
import { waveSizes } from '../campaign/rollout-math';
import type { DeployRoute } from '../domain/routes';
import { planProgressQuery } from '../shared/campaign-messages';
import type { ServerTarget } from '../shared/campaign-types';
import type { CheckedRights } from '../shared/credential-rights';
import type { CampaignPlan, PlanInput, PlanProgress, SampledRange } from '../shared/plan-types';
import { accountTaskQueue } from '../shared/task-queues';
import { mergeAccountAnswers } from './account-resolution';
import { NON_RETRYABLE_TYPES, qualifyOptions } from './activity-options';

const retry = { maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_TYPES };
const readOptions: ActivityOptions = { startToCloseTimeout: '10m', retry };
const reads = proxyActivities<PlanActivities & ReimageActivities & HookActivities>(readOptions);
const qualify = proxyActivities<ReimageActivities>(qualifyOptions);

/**
 * Resolves every `${VAR}` of the campaign on the worker, and checks it can sign callback tokens when the
 * campaign has completion.callback: a misspelled name or a missing secret stops the plan, named.
 */
async function checkEnvReferences(settings: PlanInput['settings']): Promise<void> {
  const { image, configDrive, hooks, notify, completion } = settings;
  await reads.checkEnvReferences({ image, configDrive, hooks, notify, completion });
}

/** The read activities on `account`'s task queue (the shared one for the default account or none). */
function readsOn(account: string | undefined): typeof reads {
  const taskQueue = accountTaskQueue(workflowInfo().taskQueue, account);
  return taskQueue === workflowInfo().taskQueue ? reads : proxyActivities({ ...readOptions, taskQueue });
}

/** Every account's servers (or those of the campaign's `accounts:`), merged. */
async function resolveInAccounts(input: PlanInput) {
  const { accounts, ovhClockSpeed } = await reads.listAccounts(input.accounts ? { restrict: input.accounts } : {});
  const { selection, exclude, allowList, needPlacement } = input;
  const answers = await Promise.all(
    accounts.map(async (account) => ({
      account,
      resolved: await readsOn(account).resolveServers({ selection, exclude, allowList, needPlacement, account }),
    })),
  );
  return { ...mergeAccountAnswers(input, answers), ovhClockSpeed };
}

/** Each account's credential rights, checked on one of its servers (on the account's task queue). */
async function checkRights(input: PlanInput, servers: ServerTarget[]): Promise<CheckedRights[]> {
  const firstByAccount = new Map<string | undefined, string>();
  for (const server of servers)
    if (!firstByAccount.has(server.account)) firstByAccount.set(server.account, server.serviceName);
  // `auto` picks reinstall wherever OVH serves it, as production does.
  const routes: DeployRoute[] = [input.settings.route === 'bringYourOwnImage' ? 'bringYourOwnImage' : 'reinstall'];
  return Promise.all(
    [...firstByAccount].map(([account, serviceName]) =>
      readsOn(account).checkCredentialRights({ routes, serviceName }),
    ),
  );
}

/** Preflights run this many servers at a time: the OVH rate budget is the real limit, this bounds memory. */
const PREFLIGHT_BATCH = 20;
/** The range of a server OVH names none for. */
const UNKNOWN_RANGE = 'unknown';

/** Resolves, and optionally qualifies and preflights, without touching any server. */
export async function planCampaignWorkflow(input: PlanInput): Promise<CampaignPlan> {
  const progress: PlanProgress = { phase: 'resolving', total: 0, done: 0, apiCalls: 0 };
  setHandler(planProgressQuery, () => progress);
  await checkEnvReferences(input.settings);
  const resolved = await resolveInAccounts(input);
  progress.apiCalls = resolved.apiCalls;
  const plan: CampaignPlan = { campaignId: input.campaignId, ...resolved, skipped: [], waves: [], apiCalls: 0 };
  if (input.preflight) {
    const checked = await checkRights(input, resolved.servers);
    plan.rights = checked.map(({ rights }) => rights);
    progress.apiCalls += checked.reduce((sum, { apiCalls }) => sum + apiCalls, 0);
  }
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
        if (verdict.detected) recordDecision(plan, verdict.detected);
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
  const { hooks, notify } = input.settings;
  // The worker alone knows its hook allow-list; the plan pings each allowed webhook only when it preflights.
  if (hooks || notify) {
    const probe = input.preflight;
    plan.hooks = await reads.checkHookTargets({ campaignId: input.campaignId, hooks, notify, probe });
  }
  progress.phase = 'done';
  return plan;
}

/** Counts what `auto` decided, and why, per distinct decision. */
function recordDecision(plan: CampaignPlan, detected: DetectedRoute): void {
  const reason = detected.reason ?? 'no reason recorded';
  plan.routeDecisions ??= [];
  const same = plan.routeDecisions.find((d) => d.route === detected.route && d.reason === reason);
  if (same) same.servers += 1;
  else plan.routeDecisions.push({ route: detected.route, reason, servers: 1 });
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
    const members = byRange.get(range) ?? [];
    members.push(server);
    byRange.set(range, members);
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
  const reads = readsOn(server.account);
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
  return { ...verdict, detected, apiCalls: verdict.apiCalls + (detected?.apiCalls ?? 0) };
}
