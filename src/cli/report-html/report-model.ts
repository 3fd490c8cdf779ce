/**
 * The HTML report's data, built from the campaign's report and its history: one row per server with its
 * phase spans in absolute time, the waves, the maintenance windows, the operator's actions, failures over
 * time against the budget, duration percentiles, and OVH calls over time. Pure: no I/O, no clock.
 */
import type { CampaignReport, CampaignTotals, ServerReportRow } from '../../shared/campaign-report-types';
import type { AbsoluteWindow, PhaseSpan, ServerResult, WindowsSetting } from '../../shared/campaign-types';
import { BUDGET_OUTCOMES, ServerOutcome } from '../../shared/failure-types';
import { occurrencesAfter } from '../../shared/cron';
import { quantile } from '../../shared/eta';
import type { CampaignHistory, OperatorAction } from './campaign-history';
import { callsOverTime, type CallBins } from './calls-over-time';
import { DEFAULT_ACCOUNT } from '../../shared/task-queues';

/** Phases in the order a server goes through them; a result without spans is laid out in this order. */
const PHASE_ORDER = ['preflight', 'starting', 'installing', 'verifying', 'rolling_back'] as const;

/** The pseudo-phase of a server still in flight: from its start to the report's time. */
const RUNNING_PHASE = 'running';

export interface TimelineSpan {
  phase: string;
  startMs: number;
  endMs: number;
  calls: number;
  /** The span where the server's failure happened (its outcome's failure type and message belong to it). */
  failed?: boolean;
}

export interface TimelineRow {
  serviceName: string;
  /** The server's OVH account, when the campaign's servers are on named accounts. */
  account?: string;
  datacenter?: string;
  rack?: string;
  /** 0-based wave the server was admitted in, when the campaign recorded its waves. */
  wave?: number;
  state: ServerReportRow['state'];
  outcome?: ServerOutcome;
  failureType?: string;
  message?: string;
  attempts: number;
  /** The server called back (completion.callback). */
  calledBack?: true;
  spans: TimelineSpan[];
}

export interface Percentiles {
  name: string;
  count: number;
  p50?: number;
  p90?: number;
  p95?: number;
  max?: number;
}

export interface ReportModel {
  campaignId: string;
  finalState: string;
  reason?: string;
  /** The campaign says `bootProbe: none`: no boot was verified. */
  bootNotVerified?: true;
  startMs: number;
  endMs: number;
  totals: CampaignTotals;
  rows: TimelineRow[];
  waveStarts: number[];
  windows: AbsoluteWindow[];
  actions: OperatorAction[];
  /** Budget failures as they happened: [time, count so far]. */
  failures: [atMs: number, count: number][];
  percentiles: Percentiles[];
  calls: CallBins;
}

/** Assembles the report's data; `history` may be empty (a campaign whose history is gone gives rows only). */
export function buildReportModel(
  report: CampaignReport & { finalState: string },
  history: CampaignHistory,
): ReportModel {
  const targets = new Map((history.input?.servers ?? []).map((target) => [target.serviceName, target]));
  const waveStarts = report.waveStartedAtMs ?? [];
  const rows = report.servers.map((row) => {
    const target = targets.get(row.serviceName);
    const spans = spansOf(row, history, report.finishedAtMs);
    const wave = spans.length > 0 ? waveAt(waveStarts, spans[0]!.startMs) : undefined;
    const timelineRow: TimelineRow = {
      serviceName: row.serviceName,
      account: row.account !== DEFAULT_ACCOUNT ? row.account : undefined,
      datacenter: target?.datacenter,
      rack: target?.rack,
      wave,
      state: row.state,
      outcome: row.outcome,
      failureType: row.failureType,
      message: row.message,
      attempts: row.attempts,
      calledBack: row.calledBack,
      spans,
    };
    return timelineRow;
  });
  return {
    campaignId: report.campaignId,
    finalState: report.finalState,
    reason: report.reason,
    bootNotVerified: report.bootNotVerified,
    startMs: report.startedAtMs,
    endMs: report.finishedAtMs,
    totals: report.totals,
    rows,
    waveStarts,
    windows: windowsBetween(history.input?.settings.windows, report.startedAtMs, report.finishedAtMs),
    actions: [...history.actions].sort((a, b) => a.atMs - b.atMs),
    failures: failuresOverTime(rows),
    percentiles: percentilesOf(rows),
    calls: callsOverTime(rows, report.startedAtMs, report.finishedAtMs),
  };
}

/** The row's spans: its latest attempt's result, else a running bar since its start, else none. */
function spansOf(row: ServerReportRow, history: CampaignHistory, nowMs: number): TimelineSpan[] {
  const result = history.results.get(row.serviceName);
  if (row.state === 'finished' && result && result.attempt === row.attempts) {
    return markFailure(absoluteSpans(result), row.outcome);
  }
  const startedAt = history.childStarts.get(row.serviceName);
  if (row.state !== 'running' || startedAt === undefined) return [];
  return [{ phase: RUNNING_PHASE, startMs: startedAt, endMs: Math.max(startedAt, nowMs), calls: 0 }];
}

function absoluteSpans(result: ServerResult): TimelineSpan[] {
  const spans: PhaseSpan[] = result.phases ?? spansFromDurations(result);
  return spans.map(([phase, start, end, calls]) => ({
    phase,
    startMs: result.startedAtMs + start,
    endMs: result.startedAtMs + end,
    calls,
  }));
}

/** A result of a worker that did not record spans: its phase totals, one after the other. */
function spansFromDurations(result: ServerResult): PhaseSpan[] {
  const spans: PhaseSpan[] = [];
  let at = 0;
  for (const phase of PHASE_ORDER) {
    const ms = result.durations[phase];
    if (ms === undefined) continue;
    spans.push([phase, at, at + ms, 0]);
    at += ms;
  }
  if (spans[0]) spans[0][3] = result.apiCalls;
  return spans;
}

/** Marks where a failed server failed: the rollback itself when it failed, else the phase it rolled back from. */
function markFailure(spans: TimelineSpan[], outcome: ServerOutcome | undefined): TimelineSpan[] {
  if (!outcome || outcome === ServerOutcome.Done || spans.length === 0) return spans;
  const last = spans.length - 1;
  const rolledBack = spans[last]!.phase === 'rolling_back' && outcome !== ServerOutcome.RollbackFailed;
  const index = rolledBack && last > 0 ? last - 1 : last;
  return spans.map((span, i) => (i === index ? { ...span, failed: true } : span));
}

/** The wave open at `atMs`: a wave starts once the previous one has ended, so the latest start before it. */
function waveAt(waveStarts: number[], atMs: number): number | undefined {
  let wave: number | undefined;
  waveStarts.forEach((startMs, index) => {
    if (startMs <= atMs) wave = index;
  });
  return wave;
}

/** Maintenance windows overlapping [fromMs, toMs] (at most 500: a timeline could not show more). */
function windowsBetween(setting: WindowsSetting | undefined, fromMs: number, toMs: number): AbsoluteWindow[] {
  if (!setting) return [];
  if (setting.kind === 'absolute') return setting.windows.filter((w) => w.endMs > fromMs && w.startMs < toMs);
  // The windows the campaign saw: openings from one walk, as windowAt finds them.
  return occurrencesAfter(setting.cron, setting.timezone, fromMs - setting.durationMs, toMs, 500)
    .filter((startMs) => startMs < toMs)
    .map((startMs) => ({ startMs, endMs: startMs + setting.durationMs }));
}

function failuresOverTime(rows: TimelineRow[]): [number, number][] {
  const times = rows
    .filter((row) => row.outcome && BUDGET_OUTCOMES.includes(row.outcome) && row.spans.length > 0)
    .map((row) => row.spans.at(-1)!.endMs)
    .sort((a, b) => a - b);
  return times.map((atMs, i) => [atMs, i + 1]);
}

function percentilesOf(rows: TimelineRow[]): Percentiles[] {
  const finished = rows.filter((row) => row.state === 'finished' && row.spans.length > 0);
  const done = finished.filter((row) => row.outcome === ServerOutcome.Done);
  const whole = (row: TimelineRow) => row.spans.at(-1)!.endMs - row.spans[0]!.startMs;
  const phaseTotal = (row: TimelineRow, phase: string) =>
    row.spans.filter((s) => s.phase === phase).reduce((sum, s) => sum + s.endMs - s.startMs, 0);
  const phases = [...new Set(finished.flatMap((row) => row.spans.map((s) => s.phase)))];
  return [
    stats('server, done', done.map(whole)),
    stats('server, failed', finished.filter((row) => row.outcome !== ServerOutcome.Done).map(whole)),
    ...phases.map((phase) =>
      stats(
        phase,
        finished.filter((row) => row.spans.some((s) => s.phase === phase)).map((row) => phaseTotal(row, phase)),
      ),
    ),
  ].filter((p) => p.count > 0);
}

function stats(name: string, values: number[]): Percentiles {
  return {
    name,
    count: values.length,
    p50: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    p95: quantile(values, 0.95),
    max: values.length > 0 ? Math.max(...values) : undefined,
  };
}
