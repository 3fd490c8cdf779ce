/**
 * `reimage plan FILE`: the dry run. Resolves the servers, qualifies the image, runs every preflight
 * (read-only), and prints the waves, the servers that would be skipped and why, the ETA and the OVH calls.
 */
import { parseArgs } from 'node:util';
import { loadCampaignFile } from '../../campaign/loader';
import type { CampaignSpec } from '../../campaign/schema';
import {
  campaignFileOptions,
  loadClientConfig,
  loadConfig,
  readAccountsFile,
  type Config,
  type OvhConfig,
} from '../../config';
import { connectClient } from '../../temporal/connection';
import type { CampaignPlan, PlanProgress } from '../../shared/plan-types';
import { DEFAULT_ACCOUNT } from '../../shared/task-queues';
import { requirePositional } from '../campaign-client';
import { UsageError } from '../errors';
import { ExitCode } from '../exit-codes';
import { missingRightsRefusal, rightsLines } from '../rights-format';
import { formatDuration } from '../../input/units';
import { humanDuration, realTimeLines } from '../output';
import { defaultCampaignId, runPlan, serverListProblems } from '../plan-runner';
import { estimate, type Estimate } from '../plan-estimate';
import { callbackUrlLine } from '../callback-probe';

export const usage = `reimage plan FILE [--sample N] [--json]

A dry run that touches no server: resolves the campaign's servers, qualifies the image (size, checksum,
format), runs every server's preflight (GET requests only), and prints the waves, the servers that would be
skipped with every failed check, the ETA with the bound that dominates it (installs or the OVH budget) and
the OVH API calls. A progress bar with its own ETA runs on stderr meanwhile. Its calls go through the
worker's OVH budget like a campaign's, and the worker keeps what it read for 6 hours, so a campaign started
within that time reads less. It checks each hook and notification: a webhook's host must be on the worker's
REIMAGE_HOOK_HOSTS and answer a signed "ping" event with a 2xx, and a worker must poll each hook workflow's
task queue. It checks that each OVH account's consumer key may make every call a campaign needs (its rules,
from GET /auth/currentCredential), names each missing call with the rule that grants it, and then exits 3;
an OAuth2 account's IAM rights cannot be read, and the plan says so. With completion.callback, it exits 3 when
the worker lacks REIMAGE_CALLBACK_SECRET, and GETs the callback URL from this machine (3 s at most): a warning
line says when reimage callback-server does not answer there (the fleet's network may differ from this
machine's, so the plan still exits 0). Needs a running worker ("reimage worker").

Options:
  --sample N   preflight only N servers per commercial range (hardware model), and say what was sampled;
               the others are kept, unchecked (each server's own preflight still runs in the campaign)
  --json       print the plan as JSON

Examples:
  reimage plan examples/campaigns/canary-rollout.yaml
  reimage plan big-fleet.yaml --sample 3
  reimage plan campaign.yaml --json | jq .skipped`;

/** "eu-prod 3, ca-prod 2" when the servers span named accounts; empty for the default account alone. */
function accountCounts(plan: CampaignPlan): string {
  const counts = new Map<string, number>();
  for (const server of plan.servers)
    if (server.account) counts.set(server.account, (counts.get(server.account) ?? 0) + 1);
  if ([...counts.keys()].every((name) => name === DEFAULT_ACCOUNT)) return '';
  return [...counts].map(([name, n]) => `${name} ${n}`).join(', ');
}

/** How the campaign learns that an install ended: the servers' callbacks, or polling alone. */
function completionLine(spec: CampaignSpec): string {
  if (!spec.completion) return 'install ends: found by polling (no completion.callback)';
  return `install ends: the servers call back to ${spec.completion.callback}, which must reach \`reimage callback-server\`; a server that does not (no cloud-init) is found by polls every ${formatDuration(spec.poll.maxMs)} until its install runs late, then as without callbacks (the OVH calls above assume every server calls back)`;
}

function render(spec: CampaignSpec, plan: CampaignPlan, eta: Estimate, callbackLine: string | undefined): string {
  const lines = [
    `campaign "${spec.name}" (route ${spec.route}): ${plan.servers.length} servers would be reimaged`,
    plan.image
      ? `image: ${plan.image.format}, ${plan.image.sizeBytes} bytes, checksum ${plan.image.checksumVerified ? 'verified' : 'not given'}`
      : '',
    `waves: ${plan.waves.join(', ') || 'none'}`,
    `ETA: about ${humanDuration(eta.etaMs)} (installs: ${humanDuration(eta.installBoundMs)}, OVH budget: ${humanDuration(eta.budgetBoundMs)}); ${eta.advice}`,
    ...realTimeLines(plan.ovhClockSpeed),
    eta.accounts
      ? `OVH budget per account: ${eta.accounts.map((a) => `${a.account} ${a.servers} servers at ${a.rateLimitPerMinute}/min, ${humanDuration(a.budgetBoundMs)}`).join('; ')}`
      : '',
    `OVH calls: ${plan.apiCalls} for this plan, about ${Math.round(eta.callsPerServer * plan.servers.length)} for the campaign`,
    completionLine(spec),
    callbackLine ?? '',
  ];
  for (const range of plan.sampled ?? []) {
    lines.push(`sampled ${range.preflighted} of ${range.servers} servers of range ${range.commercialRange}`);
  }
  if (plan.sampled) lines.push('servers not sampled are kept unchecked: their own preflight runs in the campaign');
  for (const skipped of plan.skipped) {
    lines.push(`skip ${skipped.serviceName}:`, ...skipped.failedChecks.map((f) => `  - ${f.check}: ${f.message}`));
  }
  const accounts = accountCounts(plan);
  if (accounts) lines.push(`accounts: ${accounts}`);
  for (const problem of serverListProblems(plan)) lines.push(`refused ${problem}`);
  for (const name of plan.excluded) lines.push(`excluded ${name}`);
  for (const d of plan.routeDecisions ?? [])
    lines.push(`route auto chose ${d.route} for ${d.servers} servers: ${d.reason}`);
  lines.push(...rightsLines(plan.rights));
  for (const check of plan.hooks ?? []) {
    const verdict = !check.allowed ? 'refused' : check.answers === false ? 'not ready' : 'ok';
    lines.push(`hook ${verdict} ${check.path} (${check.target}): ${check.message}`);
  }
  return lines.filter(Boolean).join('\n');
}

/** A progress bar on stderr: where the preflights stand and when they should end, from their pace so far. */
function progressPrinter(stream: NodeJS.WriteStream) {
  const startedAt = Date.now();
  let lastShare = -1;
  return (progress: PlanProgress) => {
    if (progress.phase !== 'preflight' || progress.total === 0) return;
    const share = progress.done / progress.total;
    const width = 30;
    const filled = Math.round(share * width);
    const elapsed = Date.now() - startedAt;
    const left =
      progress.done > 0
        ? ` about ${humanDuration((elapsed / progress.done) * (progress.total - progress.done))} left,`
        : '';
    const line = `preflight [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.done}/${progress.total} servers,${left} ${progress.apiCalls} OVH calls`;
    if (stream.isTTY) stream.write(`\r${line}`);
    else if (Math.floor(share * 10) > lastShare) stream.write(`${line}\n`);
    lastShare = Math.floor(share * 10);
  };
}

/**
 * Each account's rate limit, from the accounts file when REIMAGE_OVH_ACCOUNTS names one (only the limits
 * are read: the plan needs no credential), else OVH_RATE_LIMIT for every account.
 */
function accountRateLimits(config: Readonly<Config>): (account: string) => OvhConfig['rateLimit'] {
  const file = config.ovhAccountsFile;
  if (file === undefined) return () => config.ovh.rateLimit;
  const limits = new Map(readAccountsFile(file).map((account) => [account.name, account.rateLimit]));
  return (account) => limits.get(account) ?? config.ovh.rateLimit;
}

function sampleOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`--sample must be a whole number of servers per commercial range, 1 or more (got "${text}").`);
  }
  return count;
}

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, sample: { type: 'string' } },
    allowPositionals: true,
  });
  const samplePerRange = sampleOption(values.sample);
  const spec = await loadCampaignFile(
    requirePositional(positionals, 'the campaign file', usage),
    campaignFileOptions(env),
  );
  const client = await connectClient(loadClientConfig(env));
  const config = loadConfig(env);
  const rateLimits = accountRateLimits(config);
  const onProgress = progressPrinter(process.stderr);
  const plan = await runPlan(client, spec, defaultCampaignId(spec), true, config, { samplePerRange, onProgress });
  // The summary below says how the preflights ended: the bar, whatever it last showed, goes.
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  const eta = estimate(spec, plan, rateLimits);
  const callback = spec.completion ? await callbackUrlLine(spec.completion.callback) : undefined;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...plan, etaMs: eta.etaMs, estimate: eta, callback }, null, 2)}\n`);
  } else process.stdout.write(`${render(spec, plan, eta, callback)}\n`);
  return refusedByStart(plan);
}

/**
 * 3 (with lines on stderr) when the credential lacks a right the campaign needs or "reimage start" would
 * refuse the campaign as planned, else 0.
 */
function refusedByStart(plan: CampaignPlan): number {
  const rights = missingRightsRefusal(plan.rights);
  if (rights !== undefined) process.stderr.write(`${rights}\n`);
  const refusals = serverListProblems(plan).length + (plan.hooks ?? []).filter((check) => !check.allowed).length;
  if (refusals > 0) {
    process.stderr.write(
      `reimage start would refuse this campaign (${refusals} refused): fix each "refused" line, then plan again.\n`,
    );
  }
  if (rights === undefined && refusals === 0) return ExitCode.Ok;
  return ExitCode.InvalidInput;
}
