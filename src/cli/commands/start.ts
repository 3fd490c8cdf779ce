/**
 * `reimage start FILE`: resolves the servers the file names, shows the ones that will be wiped, asks for
 * confirmation (unless --yes), and starts the campaign. Only servers resolved from the file are passed on.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadCampaignFile } from '../../campaign/loader';
import type { CampaignSpec } from '../../campaign/schema';
import { campaignFileOptions, loadClientConfig, loadConfig } from '../../config';
import { connectClient } from '../../temporal/connection';
import { requirePositional } from '../campaign-client';
import { InvalidInputError, UsageError } from '../errors';
import { printResult } from '../output';
import { namesAccounts } from '../report-format';
import { defaultCampaignId, runPlan, serverListProblems, startCampaign } from '../plan-runner';
import { assertSecretsProtected } from '../secrets-guard';

export const usage = `reimage start FILE [--id ID] [--yes] [--json]

Starts a campaign: resolves the servers the file names (read-only), lists the ones that will be WIPED (a
reinstall erases every disk), asks you to confirm, then starts the campaign workflow and prints its ID.
Listed servers the OVH account does not have stop the start. Needs a running worker ("reimage worker").

Options:
  --id ID   campaign ID (default: the file's name plus the UTC time, e.g. spring-refresh-20261126-2130)
  --yes     do not ask for confirmation (scripts, CI)
  --json    print {campaignId, workflowId, servers} as JSON

Examples:
  reimage start examples/campaigns/canary-rollout.yaml
  reimage start campaign.yaml --id spring-refresh --yes --json`;

/** The operator answered no. */
class ConfirmationDeclinedError extends Error {
  override name = 'ConfirmationDeclinedError';
}

/** Without --yes, the confirmation needs a terminal: checked before anything is contacted. */
function requireConfirmable(yes: boolean | undefined): void {
  if (!yes && !process.stdin.isTTY) {
    throw new UsageError('reimage start asks for confirmation on a terminal; pass --yes to start without asking.');
  }
}

async function confirm(spec: CampaignSpec, count: number): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`Type "${spec.name}" to reimage ${count} servers (every disk is erased): `);
  rl.close();
  if (answer.trim() !== spec.name) throw new ConfirmationDeclinedError('Not confirmed: nothing was started.');
}

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { id: { type: 'string' }, yes: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const spec = await loadCampaignFile(
    requirePositional(positionals, 'the campaign file', usage),
    campaignFileOptions(env),
  );
  const config = loadConfig(env);
  assertSecretsProtected(spec, config.codecKeys);
  requireConfirmable(values.yes);
  const campaignId = values.id ?? defaultCampaignId(spec);
  const client = await connectClient(loadClientConfig(env));
  const plan = await runPlan(client, spec, campaignId, false, config);
  const problems = serverListProblems(plan);
  if (problems.length > 0) {
    throw new InvalidInputError(`Nothing was started; fix the campaign's server list:\n${problems.join('\n')}`);
  }
  const refusedHooks = (plan.hooks ?? []).filter((check) => !check.allowed);
  if (refusedHooks.length > 0) {
    const problems = refusedHooks.map((check) => check.message).join('\n');
    throw new InvalidInputError(`Nothing was started; the worker refuses these hook hosts:\n${problems}`);
  }
  if (plan.servers.length === 0)
    throw new InvalidInputError('Nothing was started: the campaign resolves to no server.');
  process.stderr.write(
    `Servers to reimage (${plan.servers.length}):\n${plan.servers.map((s) => `  ${s.serviceName}${namesAccounts([s]) ? ` (${s.account})` : ''}`).join('\n')}\n`,
  );
  if (!values.yes) await confirm(spec, plan.servers.length);
  const workflowId = await startCampaign(client, spec, campaignId, plan.servers, config.taskQueue, plan.ovhClockSpeed);
  printResult(
    { campaignId, workflowId, servers: plan.servers.map((s) => s.serviceName) },
    values.json,
    `Started campaign ${campaignId} (${plan.servers.length} servers). Follow it with: reimage status ${campaignId} --watch`,
  );
  return 0;
}
