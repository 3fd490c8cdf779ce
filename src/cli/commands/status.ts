/**
 * `reimage status [CAMPAIGN] [--watch] [--json]`: a campaign's progress: counts by state, a progress bar,
 * the install step of servers in flight, ETA, OVH API calls and the install durations it learned.
 */
import { parseArgs } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { DEFAULT_POLL_POLICY } from '../../shared/poll-policy';
import { readDuration } from '../../input/units';
import { campaignProgressQuery, serverProgressQuery } from '../../shared/campaign-messages';
import type { CampaignEndState, ServerPhase } from '../../shared/campaign-types';
import { serverWorkflowId } from '../../shared/workflow-ids';
import type { CampaignProgress, CampaignReport, LearnedInstalls } from '../../shared/campaign-report-types';
import { loadClientConfig } from '../../config';
import { connectClient } from '../../temporal/connection';
import { MIN_SAMPLES } from '../../shared/eta';
import { BOOT_NOT_VERIFIED, bootNotVerified } from '../boot-verification';
import { callbackSummary } from '../callback-summary';
import { campaignHandle, latestCampaignId, refuseExtraPositionals } from '../campaign-client';
import { UsageError } from '../errors';
import { campaignExitCode } from '../exit-codes';
import { installProgress } from '../install-steps';
import { humanDuration, progressBar, realTimeLines } from '../output';
import { namesAccounts } from '../report-format';

export const usage = `reimage status [CAMPAIGN] [--watch] [--interval 2s] [--json]

Shows a campaign's progress (the latest campaign when CAMPAIGN is left out): servers by state and outcome,
the install step of each server in flight, the ETA, the OVH API calls so far and the install durations the
campaign learned from its latest done servers (new servers poll around them). --watch redraws until the
campaign ends; --json prints the progress document once (with the install steps of in-flight servers).

Examples:
  reimage status
  reimage status spring-refresh --watch
  reimage status spring-refresh --json | jq .totals`;

/** A progress snapshot plus the install step of each running server. */
export interface StatusSnapshot extends CampaignProgress {
  completed: boolean;
  /** How the campaign ended, once it has (absent when its run closed without a report, e.g. terminated). */
  finalState?: CampaignEndState;
  /** The phase each running server's own workflow says it is in (absent when it did not answer). */
  phases?: Record<string, ServerPhase | undefined>;
  /** The campaign says `bootProbe: none`: its `done` servers' boots are not verified. */
  bootNotVerified?: true;
  installSteps: Record<string, { index: number; total: number; name: string } | undefined>;
}

export async function snapshot(client: Client, campaignId: string): Promise<StatusSnapshot> {
  const handle = await campaignHandle(client, campaignId);
  const description = await handle.describe();
  const progress = await handle.query(campaignProgressQuery);
  const running = progress.servers.filter((row) => row.state === 'running').slice(0, 50);
  const steps = await Promise.all(
    running.map(async (row) => [row.serviceName, (await installProgress(client, row.serviceName))?.step] as const),
  );
  const phases = await Promise.all(running.map(async (row) => [row.serviceName, await serverPhase(client, row)]));
  const completed = description.status.name !== 'RUNNING';
  return {
    ...progress,
    completed,
    finalState: completed ? await finalStateOf(handle) : undefined,
    bootNotVerified: bootNotVerified(description.memo) || undefined,
    installSteps: Object.fromEntries(steps),
    phases: Object.fromEntries(phases) as Record<string, ServerPhase | undefined>,
  };
}

/** How a closed campaign ended, from its report; undefined when it closed without one. */
async function finalStateOf(handle: WorkflowHandle): Promise<CampaignEndState | undefined> {
  try {
    return ((await handle.result()) as CampaignReport).finalState;
  } catch {
    return undefined;
  }
}

/** The phase `row`'s server workflow says it is in; undefined when it does not answer. */
async function serverPhase(client: Client, row: { serviceName: string }): Promise<ServerPhase | undefined> {
  try {
    return (await client.workflow.getHandle(serverWorkflowId(row.serviceName)).query(serverProgressQuery)).phase;
  } catch {
    return undefined;
  }
}

/** A running server in words: its install step when the polls read it, else its phase. */
function inFlight(step: StatusSnapshot['installSteps'][string], phase: ServerPhase | undefined): string {
  if (step) return `step ${step.index}/${step.total} ${step.name}`;
  return phase ? phase.replace('_', ' ') : 'running';
}

/** The human rendering of a snapshot. */
export function renderStatus(s: StatusSnapshot): string {
  const t = s.totals;
  const speed = s.ovhClockSpeed ?? 1;
  const outcomes =
    Object.entries(t.byOutcome)
      .map(([outcome, n]) => `${outcome} ${n}`)
      .join(', ') || 'none yet';
  const lines = [
    `campaign ${s.campaignId}: ${s.completed ? (s.finalState ?? 'finished') : s.status}${s.haltReason ? ` (${s.haltReason})` : ''}`,
    `${progressBar(t.finished, t.servers)} ${t.finished}/${t.servers} finished, ${t.running} running, ${t.pending} pending${t.notStarted > 0 ? `, ${t.notStarted} not started` : ''}`,
    `outcomes: ${outcomes}; failures ${t.failures}/${t.failureBudget} budget`,
    s.completed ? `${wavesText(s.wave.number)}, OVH calls ${t.apiCalls}` : rolloutLine(s),
    ...nextStep(s),
    ...(s.bootNotVerified ? [BOOT_NOT_VERIFIED] : []),
    ...[callbackSummary(t, s.servers)].filter((line) => line !== undefined),
    installsLine(s.learnedInstalls, speed),
    ...Object.entries(s.learnedInstallsByRange ?? {}).map(
      ([range, learned]) => `  commercial range ${range}: installs ${learnedFigures(learned, speed)}`,
    ),
    ...realTimeLines(s.ovhClockSpeed),
    ...(s.unreachableAccounts ?? []).map(
      (outage) =>
        `waiting: account ${outage.account} unreachable since ${new Date(outage.sinceMs).toISOString()}, ${outage.waiting} server${outage.waiting === 1 ? '' : 's'} waiting, none of its servers starts meanwhile`,
    ),
  ];
  const accountOf = new Map(namesAccounts(s.servers) ? s.servers.map((row) => [row.serviceName, row.account]) : []);
  for (const [server, step] of Object.entries(s.installSteps)) {
    const account = accountOf.get(server);
    lines.push(`  ${server}${account ? ` (${account})` : ''}: ${inFlight(step, s.phases?.[server])}`);
  }
  return lines.join('\n');
}

/** Where a running campaign's rollout stands: its wave, concurrency, window, ETA and OVH calls. */
function rolloutLine(s: StatusSnapshot): string {
  return (
    `wave ${s.wave.number} (${s.wave.admitted}/${s.wave.size} admitted), concurrency ${s.concurrency}` +
    (s.window.configured ? `, window ${s.window.open ? 'open' : 'closed'}` : '') +
    (s.etaMs !== undefined ? `, ETA ${humanDuration(s.etaMs)}` : '') +
    `, OVH calls ${s.totals.apiCalls}`
  );
}

const wavesText = (waves: number) => `${waves} wave${waves === 1 ? '' : 's'}`;

/** What the operator can do next, when the campaign waits for them or finished with servers not done. */
function nextStep(s: StatusSnapshot): string[] {
  const id = s.campaignId;
  if (s.completed) {
    if (campaignExitCode(true, s.totals) === 0) return [];
    const failed = s.totals.finished - (s.totals.byOutcome.done ?? 0);
    if (failed > 0)
      return [
        `next: reimage report ${id} --format markdown (each failure and its fix), then reimage retry ${id} SERVER`,
      ];
    return [`next: fix what stopped the campaign (above), then start it again: no server was touched`];
  }
  if (s.status === 'awaiting_approval') return [`next: reimage approve ${id} (wave ${s.wave.number} waits for it)`];
  if (s.status === 'paused') return [`next: reimage resume ${id} (no server starts meanwhile)`];
  return [];
}

/**
 * What the campaign expects of the next installs: the default until it has learned from done servers. The
 * figures are on OVH's clock, which runs `speed` times faster than real time in a rehearsal: shown in real time.
 */
function installsLine(learned: LearnedInstalls | undefined, speed: number): string {
  const fallback = humanDuration(DEFAULT_POLL_POLICY.typicalInstallMs / speed);
  if (!learned) return `installs: expected to take ${fallback} (the default) until ${MIN_SAMPLES} servers are done`;
  return `installs: ${learnedFigures(learned, speed)}`;
}

function learnedFigures({ typicalInstallMs, earlyInstallMs, samples }: LearnedInstalls, speed: number): string {
  const early = earlyInstallMs !== undefined ? `, 10% under ${humanDuration(earlyInstallMs / speed)}` : '';
  return `typically ${humanDuration(typicalInstallMs / speed)}${early} (learned from the last ${samples} done servers)`;
}

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { watch: { type: 'boolean' }, json: { type: 'boolean' }, interval: { type: 'string', default: '2s' } },
    allowPositionals: true,
  });
  refuseExtraPositionals(positionals, 1, usage);
  const interval = readDuration(values.interval);
  if ('problem' in interval) throw new UsageError(`--interval ${interval.problem}.`);
  const intervalMs = Math.max(100, interval.ms);
  const client = await connectClient(loadClientConfig(env));
  const campaignId = positionals[0] ?? (await latestCampaignId(client));
  for (;;) {
    const s = await snapshot(client, campaignId);
    if (values.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    else process.stdout.write(`${values.watch && process.stdout.isTTY ? '\x1b[2J\x1b[H' : ''}${renderStatus(s)}\n`);
    if (!values.watch || s.completed) return campaignExitCode(s.completed, s.totals);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
