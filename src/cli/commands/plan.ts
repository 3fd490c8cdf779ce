/**
 * `reimage plan FILE`: the dry run. Resolves the servers, qualifies the image, runs every preflight
 * (read-only), and prints the waves, the servers that would be skipped and why, the ETA and the OVH calls.
 */
import { parseArgs } from 'node:util';
import { loadCampaignFile } from '../../campaign/loader';
import { resolveCount } from '../../campaign/rollout-math';
import type { CampaignSpec } from '../../campaign/schema';
import { loadClientConfig, loadConfig } from '../../config';
import { connectClient } from '../../temporal/connection';
import type { CampaignPlan } from '../../shared/plan-types';
import { requirePositional } from '../campaign-client';
import { formatDuration } from '../output';
import { defaultCampaignId, runPlan } from '../plan-runner';

export const usage = `reimage plan FILE [--json]

A dry run that touches no server: resolves the campaign's servers, qualifies the image (size, checksum,
format), runs every server's preflight (GET requests only), and prints the waves, the servers that would be
skipped with every failed check, the ETA and the OVH API calls. Needs a running worker ("reimage worker").

Examples:
  reimage plan examples/campaigns/canary-rollout.yaml
  reimage plan campaign.yaml --json | jq .skipped`;

/** OVH calls one server costs on the reinstall route (preflight 10, start 2, 16 for the polls of an 11-minute
 * install, verify 2), as measured against the simulator; see BENCHMARKS.md. */
const CALLS_PER_SERVER_ESTIMATE = 30;
/** OVH's own BYOI installs take about 11 minutes. */
const TYPICAL_INSTALL_MS = 11 * 60_000;

/** A conservative ETA: the fleet in slots of maxParallel, each slot one typical install. */
function estimateEtaMs(spec: CampaignSpec, servers: number): number {
  const parallel = resolveCount(spec.rollout.maxParallel, servers);
  return parallel === 0 ? 0 : Math.ceil(servers / parallel) * TYPICAL_INSTALL_MS;
}

function render(spec: CampaignSpec, plan: CampaignPlan): string {
  const lines = [
    `campaign "${spec.name}" (route ${spec.route}): ${plan.servers.length} servers would be reimaged`,
    plan.image
      ? `image: ${plan.image.format}, ${plan.image.sizeBytes} bytes, checksum ${plan.image.checksumVerified ? 'verified' : 'not given'}`
      : '',
    `waves: ${plan.waves.join(', ') || 'none'}`,
    `ETA: about ${formatDuration(estimateEtaMs(spec, plan.servers.length))}; OVH calls: ${plan.apiCalls} for this plan, about ${plan.servers.length * CALLS_PER_SERVER_ESTIMATE} for the campaign`,
  ];
  for (const skipped of plan.skipped) {
    lines.push(`skip ${skipped.serviceName}:`, ...skipped.failedChecks.map((f) => `  - ${f.check}: ${f.message}`));
  }
  for (const name of plan.unknown) lines.push(`unknown ${name}: the OVH account has no such server`);
  for (const name of plan.notAllowed) lines.push(`refused ${name}: not on the allow-list`);
  for (const name of plan.excluded) lines.push(`excluded ${name}`);
  return lines.filter(Boolean).join('\n');
}

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const spec = await loadCampaignFile(requirePositional(positionals, 'the campaign file', usage));
  const client = await connectClient(loadClientConfig(env));
  const plan = await runPlan(client, spec, defaultCampaignId(spec), true, loadConfig(env));
  const etaMs = estimateEtaMs(spec, plan.servers.length);
  if (values.json) process.stdout.write(`${JSON.stringify({ ...plan, etaMs }, null, 2)}\n`);
  else process.stdout.write(`${render(spec, plan)}\n`);
  return 0;
}
