/**
 * Where B1's makespan goes, per server, in simulated seconds: from the server workflow's start to its
 * install's start at OVH (child start, preflight, the start call), from the install's end to the workflow
 * knowing it (detection: the poll's delay, then the activity's completion), from there to the server's
 * end (boot check, completion), from a freed slot to the next server's start (the campaign's admission),
 * and the fixed costs at the campaign's start and end.
 *
 * The workflow clock is real time; it is put on the simulator's with one reading of `GET /_sim/clock`
 * (the simulator computes its time from the same machine clock). OVH's install dates are the simulator's.
 */
import type { BenchStack } from './stack';
import type { PhaseSpan, ServerResult } from '../../src/shared/campaign-types';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { quantile } from '../../src/shared/eta';
import type { ServerView } from '../../src/simulator/side-door';

export interface MakespanBreakdown {
  /** Server workflow start to the install's start at OVH (task startDate, 1 s resolution). */
  toInstallS: number;
  /** The install's end (start + drawn duration) to the end of the server's installing phase. */
  detectionS: number;
  /** The 95th percentile of detection (nearest rank): the slowest servers set a slot's end. */
  detectionP95S: number;
  /** The end of the installing phase to the server's end (boot check, completion). */
  afterInstallS: number;
  /**
   * A freed slot to its next server's start: the k-th server past the first `parallel` takes the slot the
   * k-th server to end freed (the campaign admits one server per freed slot, in order).
   */
  admissionS: number;
  /** The campaign's start (the benchmark's call) to its first server's start. */
  firstServerS: number;
  /** The campaign's start to the start of the last server of the first `parallel` (child starts take turns). */
  firstWaveS: number;
  /** The last server's end to the campaign's report. */
  afterLastServerS: number;
  /** Mean time in each phase of the server workflow (its own clock, put on the simulator's). */
  phasesS: Record<string, number>;
}

const p95Of = (values: number[]) => quantile(values, 0.95) ?? 0;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const round1 = (value: number) => Math.round(value * 10) / 10;

/** The simulator's time at a real instant (epoch ms), from one reading of its clock. */
async function simulatedTimeOf(stack: BenchStack): Promise<(realMs: number) => number> {
  const before = Date.now();
  const clock = await stack.sideDoor<{ now: number; speed: number }>('clock');
  const anchor = (before + Date.now()) / 2;
  return (realMs) => clock.now + (realMs - anchor) * clock.speed;
}

/** Mean simulated seconds per phase over the servers (`speed` simulated ms per real ms). */
function meanPhases(phases: PhaseSpan[][], speed: number): Record<string, number> {
  const sums = new Map<string, number>();
  for (const spans of phases) {
    for (const [phase, startMs, endMs] of spans) sums.set(phase, (sums.get(phase) ?? 0) + (endMs - startMs) * speed);
  }
  return Object.fromEntries([...sums].map(([phase, sum]) => [phase, round1(sum / phases.length / 1000)]));
}

/** One server's timeline on the simulator's clock: its workflow's span and phases, OVH's install dates. */
async function serverTimeline(stack: BenchStack, view: ServerView, simAt: (realMs: number) => number) {
  const handle = stack.client.workflow.getHandle(serverWorkflowId(view.serviceName));
  const result = (await handle.result()) as ServerResult;
  const installing = result.phases?.find(([phase]) => phase === 'installing');
  const installStart = Date.parse(view.deployment?.startedAt ?? '');
  const installEnd = installStart + (view.deployment?.installDurationMs ?? 0);
  const start = simAt(result.startedAtMs);
  const detected = simAt(result.startedAtMs + (installing?.[2] ?? 0));
  const end = simAt(result.finishedAtMs);
  const phases = result.phases ?? [];
  return { phases, toInstall: installStart - start, detection: detected - installEnd, after: end - detected, start, end };
}

/** The breakdown of a finished campaign of `parallel` slots, started and ended at the given real instants. */
export async function makespanBreakdown(
  stack: BenchStack,
  views: ServerView[],
  parallel: number,
  campaign: { startedMs: number; finishedMs: number },
): Promise<MakespanBreakdown> {
  const simAt = await simulatedTimeOf(stack);
  const rows = await Promise.all(views.map((view) => serverTimeline(stack, view, simAt)));
  const starts = rows.map((row) => row.start).sort((a, b) => a - b);
  const ends = rows.map((row) => row.end).sort((a, b) => a - b);
  const handovers = starts.slice(parallel).map((start, k) => start - (ends[k] as number));
  const campaignStart = simAt(campaign.startedMs);
  const seconds = (ms: number) => round1(ms / 1000);
  return {
    toInstallS: seconds(mean(rows.map((row) => row.toInstall))),
    detectionS: seconds(mean(rows.map((row) => row.detection))),
    detectionP95S: seconds(p95Of(rows.map((row) => row.detection))),
    afterInstallS: seconds(mean(rows.map((row) => row.after))),
    admissionS: seconds(mean(handovers)),
    firstServerS: seconds((starts[0] as number) - campaignStart),
    firstWaveS: seconds((starts[Math.min(parallel, starts.length) - 1] as number) - campaignStart),
    afterLastServerS: seconds(simAt(campaign.finishedMs) - (ends.at(-1) as number)),
    phasesS: meanPhases(rows.map((row) => row.phases), simAt(1) - simAt(0)),
  };
}
