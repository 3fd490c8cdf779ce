/**
 * `reimage schedule create|list|delete`: Temporal Schedules that start a campaign at each recurring
 * maintenance window (cron + time zone). The servers are resolved once, when the schedule is created, so
 * every run reimages exactly the servers that were confirmed.
 */
import { parseArgs } from 'node:util';
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { loadCampaignFile } from '../../campaign/loader';
import { campaignFileOptions, loadClientConfig, loadConfig } from '../../config';
import { campaignWorkflowId } from '../../shared/workflow-ids';
import { connectClient } from '../../temporal/connection';
import { cronProblem, timeZoneProblem } from '../../campaign/schema-fields';
import { campaignMemo } from '../boot-verification';
import { InvalidInputError, UsageError } from '../errors';
import { printResult } from '../output';
import { campaignInput, runPlan, serverListProblems } from '../plan-runner';
import { refuseExtraPositionals } from '../campaign-client';
import { startsOutsideWindows } from '../../shared/windows';
import { assertSecretsProtected } from '../secrets-guard';

export const usage = `reimage schedule create FILE --cron "MIN HOUR DOM MON DOW" [--timezone TZ] [--id ID] [--yes] [--json]
reimage schedule list [--json]
reimage schedule delete ID

Recurring campaigns on Temporal Schedules: each time the cron fires, a campaign starts with the servers
resolved when the schedule was created. A run that is still going when the next one is due is skipped.

Examples:
  reimage schedule create campaign.yaml --cron "0 22 * * 2" --timezone Europe/Paris --id tuesday-refresh --yes
  reimage schedule list
  reimage schedule delete tuesday-refresh`;

const PREFIX = 'reimage-';

/** A bad --cron or --timezone stops the command before the plan reads anything from OVH. */
function checkWhen(cron: string, timezone: string): void {
  const problems = [
    ...[cronProblem(cron)].filter(Boolean).map((problem) => `--cron ${problem}`),
    ...[timeZoneProblem(timezone)].filter(Boolean).map((problem) => `--timezone ${problem}`),
  ];
  if (problems.length > 0) throw new InvalidInputError(`Nothing was scheduled:\n${problems.join('\n')}`);
}

async function create(client: Client, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      cron: { type: 'string' },
      timezone: { type: 'string', default: 'UTC' },
      id: { type: 'string' },
      yes: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (!positionals[0] || !values.cron) throw new UsageError(`schedule create needs FILE and --cron.\n\n${usage}`);
  refuseExtraPositionals(positionals, 1, usage);
  checkWhen(values.cron, values.timezone);
  const spec = await loadCampaignFile(positionals[0], campaignFileOptions(env));
  const config = loadConfig(env);
  assertSecretsProtected(spec, config.codecKeys);
  const id = values.id ?? spec.name;
  const outside = startsOutsideWindows(values.cron, values.timezone, spec.windows, Date.now());
  if (outside) process.stderr.write(`warning: ${outside}\n`);
  const plan = await runPlan(client, spec, id, false, config);
  const problems = serverListProblems(plan);
  if (problems.length > 0)
    throw new InvalidInputError(`Nothing was scheduled; fix the campaign's server list:\n${problems.join('\n')}`);
  if (!values.yes)
    throw new UsageError(`Scheduling reimages ${plan.servers.length} servers at every run; pass --yes to confirm.`);
  const input = campaignInput(spec, id, plan.servers, config.taskQueue, plan.ovhClockSpeed);
  await client.schedule.create({
    scheduleId: `${PREFIX}${id}`,
    spec: { cronExpressions: [values.cron], timezone: values.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'reimageCampaignWorkflow',
      taskQueue: config.taskQueue,
      workflowId: campaignWorkflowId(id),
      args: [input],
      ...campaignMemo(spec),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
  });
  printResult(
    { scheduleId: `${PREFIX}${id}`, cron: values.cron, timezone: values.timezone, servers: plan.servers.length },
    values.json,
    `Scheduled ${id}: "${values.cron}" (${values.timezone}), ${plan.servers.length} servers.`,
  );
  return 0;
}

async function list(client: Client, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const rows: { id: string; nextRuns: string[]; paused: boolean }[] = [];
  for await (const schedule of client.schedule.list()) {
    if (!schedule.scheduleId.startsWith(PREFIX)) continue;
    rows.push({
      id: schedule.scheduleId.slice(PREFIX.length),
      nextRuns: schedule.info.nextActionTimes.slice(0, 3).map((d) => d.toISOString()),
      paused: schedule.state.paused,
    });
  }
  const human =
    rows.map((r) => `${r.id}: next ${r.nextRuns[0] ?? 'never'}${r.paused ? ' (paused)' : ''}`).join('\n') ||
    'No reimage schedule.';
  printResult(rows, values.json, human);
  return 0;
}

async function remove(client: Client, argv: string[]): Promise<number> {
  const id = argv[0];
  if (!id) throw new UsageError(`schedule delete needs the schedule ID.\n\n${usage}`);
  refuseExtraPositionals(argv, 1, usage);
  try {
    await client.schedule.getHandle(`${PREFIX}${id}`).delete();
  } catch (err) {
    if ((err as Error).name !== 'ScheduleNotFoundError') throw err;
    throw new InvalidInputError(`No schedule "${id}" exists: nothing was deleted. "reimage schedule list" lists them.`);
  }
  process.stdout.write(`Deleted schedule ${id}.\n`);
  return 0;
}

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [verb, ...rest] = argv;
  const verbs: Record<string, (client: Client, args: string[], env: NodeJS.ProcessEnv) => Promise<number>> = {
    create,
    list,
    delete: remove,
  };
  const action = verb ? verbs[verb] : undefined;
  if (!action) throw new UsageError(`Unknown schedule verb "${verb ?? ''}".\n\n${usage}`);
  return action(await connectClient(loadClientConfig(env)), rest, env);
}
