/**
 * The guarantees every drill checks once its campaign has ended, against the simulator's own state (the
 * ground truth: what OVH would show), never against what the workflows believe:
 *  - every server ends `done` (running its new image from disk) or with a recorded failure, in rescue
 *    mode when the failure came after an install started; none is left installing or untracked;
 *  - no server received more accepted install POSTs than the deployments its workflow recorded;
 *  - the report's totals equal the fleet;
 *  - the consumer key never sent more than the worker's OVH_RATE_LIMIT within any window of its period, as
 *    the simulator counted (whenever the simulator's window is that period), worker restarts included.
 */
import type { CampaignReport, ServerReportRow } from '../../src/shared/campaign-report-types';
import { ServerOutcome } from '../../src/shared/failure-types';
import type { ServerView } from '../../src/simulator';
import type { DrillStack } from './stack';

/** What a drill prints, as one JSON line. */
export interface DrillFigures {
  drill: string;
  servers: number;
  finalState: string;
  wallMs: number;
  outcomes: Record<string, number>;
  /** Highest accepted install POSTs (simulator `installPosts`) over deployments recorded, over the fleet. */
  maxInstallPostsPerAttempt: number;
  /** Install POSTs received in all (refused ones included), over the fleet. */
  installPostsReceived: number;
  installPostsAccepted: number;
  deployments: number;
  apiCalls: number;
  simulatorStatuses: Record<string, number>;
  /** The consumer key's busiest window at the simulator; `limit`: the worker's for it, null when periods differ. */
  rateWindow: RateWindow;
  /** Every server not done: [service name, outcome, failure type, its message clipped to ~300 characters]. */
  failures: [string, string, string, string][];
  violations: string[];
  [extra: string]: unknown;
}

export interface RateWindow {
  windowMs: number;
  busiest: number;
  limit: number | null;
}

/** The consumer key's busiest window, held against the worker's budget when the periods match. */
function rateWindow(stack: DrillStack): { figure: RateWindow; violations: string[] } {
  const { windowMs, byConsumer } = stack.sim.state.counters().busiestWindow;
  const budget = stack.config.ovh.rateLimit;
  const busiest = byConsumer[stack.sim.credentials.consumerKey] ?? 0;
  const limit = budget.perMs === windowMs ? budget.requests : null;
  const over = limit !== null && busiest > limit;
  return {
    figure: { windowMs, busiest, limit },
    violations: over
      ? [`the consumer key sent ${busiest} requests within ${windowMs / 1000} s, over its OVH_RATE_LIMIT of ${limit}`]
      : [],
  };
}

/** A long message's head and tail: where it failed, and how the rollback ended. */
function clip(message: string): string {
  return message.length <= 320 ? message : `${message.slice(0, 150)} ... ${message.slice(-150)}`;
}

/** Install phases OVH reports while an install still runs. */
const IN_FLIGHT = new Set(['init', 'todo', 'doing']);

function rowViolations(row: ServerReportRow, view: ServerView | undefined, probeOk: boolean): string[] {
  const sn = row.serviceName;
  if (!view) return [`${sn}: the simulator does not know this server`];
  const problems: string[] = [];
  if (row.state !== 'finished') problems.push(`${sn}: left ${row.state} in the report`);
  if (view.deployment && IN_FLIGHT.has(view.deployment.status)) {
    problems.push(`${sn}: still installing on OVH (deployment ${view.deployment.status})`);
  }
  const deployments = row.deployments ?? 0;
  if (view.installPosts > deployments) {
    problems.push(`${sn}: ${view.installPosts} install POSTs accepted for ${deployments} deployments`);
  }
  if (row.outcome === ServerOutcome.Done && !probeOk) problems.push(`${sn}: done but its new OS does not answer`);
  const touched = view.installPosts > 0;
  if (row.outcome !== ServerOutcome.Done && touched && view.running !== 'rescue') {
    problems.push(`${sn}: ${row.outcome ?? 'no outcome'} but running "${view.running}", not rescue`);
  }
  if (row.outcome !== ServerOutcome.Done && !row.failureType && row.outcome !== ServerOutcome.Skipped) {
    problems.push(`${sn}: ${row.outcome ?? 'no outcome'} without a recorded failure type`);
  }
  return problems;
}

function totalsViolations(report: CampaignReport, fleet: number): string[] {
  const t = report.totals;
  const byOutcome = Object.values(t.byOutcome).reduce((sum, n) => sum + (n ?? 0), 0);
  const problems: string[] = [];
  if (t.servers !== fleet) problems.push(`totals.servers is ${t.servers}, the fleet has ${fleet}`);
  if (t.finished !== fleet) problems.push(`totals.finished is ${t.finished}, the fleet has ${fleet}`);
  if (byOutcome !== fleet) problems.push(`totals.byOutcome adds up to ${byOutcome}, the fleet has ${fleet}`);
  if (report.servers.length !== fleet) problems.push(`the report lists ${report.servers.length} servers of ${fleet}`);
  return problems;
}

/** Checks every guarantee; returns the figures with the violations found (empty when all hold). */
export function verifyDrill(
  drill: string,
  stack: DrillStack,
  report: CampaignReport,
  wallMs: number,
  extra: Record<string, unknown>,
): DrillFigures {
  const rows = new Map(report.servers.map((row) => [row.serviceName, row]));
  const violations = totalsViolations(report, stack.servers.length);
  let maxRatio = 0;
  let accepted = 0;
  let deployments = 0;
  for (const sn of stack.servers) {
    const row = rows.get(sn);
    const view = stack.sim.state.server(sn);
    if (!row) {
      violations.push(`${sn}: missing from the report`);
      continue;
    }
    violations.push(...rowViolations(row, view, stack.sim.state.probe(sn).status === 200));
    accepted += view?.installPosts ?? 0;
    deployments += row.deployments ?? 0;
    if (view && view.installPosts > 0) maxRatio = Math.max(maxRatio, view.installPosts / (row.deployments || 1));
  }
  const received = [...stack.installPostsSeen.values()].reduce((sum, n) => sum + n, 0);
  const rate = rateWindow(stack);
  violations.push(...rate.violations);
  return {
    drill,
    servers: stack.servers.length,
    finalState: report.finalState,
    wallMs,
    ...extra,
    outcomes: report.totals.byOutcome as Record<string, number>,
    maxInstallPostsPerAttempt: maxRatio,
    installPostsReceived: received,
    installPostsAccepted: accepted,
    deployments,
    apiCalls: report.totals.apiCalls,
    simulatorStatuses: stack.sim.state.counters().byStatus,
    rateWindow: rate.figure,
    failures: report.servers
      .filter((row) => row.outcome !== ServerOutcome.Done)
      .map((row) => [row.serviceName, row.outcome ?? '', row.failureType ?? '', clip(row.message ?? '')]),
    violations,
  };
}
