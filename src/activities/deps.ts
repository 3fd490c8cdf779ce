/**
 * What activities need from the worker (composition root in src/worker.ts): the shared OVH client (which
 * holds the rate budget), a logger, the environment for `${VAR}` references, an image opener and a clock.
 * OVH credentials live only in the client: no activity input ever carries them.
 */
import { activityInfo, Context, sleep } from '@temporalio/activity';
import type { Logger } from '../observability/logger';
import type { OvhClient, OvhSession } from '../ovh/client';
import type { RatePriority } from '../ovh/rate-budget';
import type { Waiter } from '../ovh/routes';
import type { SimulatorClock } from '../rehearsal/simulator-clock';
import type { ImageOpener } from './image-download';
import type { VariableGrant } from '../campaign/variable-grant';
import type { Environment } from './secrets';
import type { StableFactsCache } from './stable-facts';

export interface ActivityDeps {
  ovh: OvhClient;
  logger?: Logger;
  /** Where `${VAR}` references are looked up: the worker's environment. */
  env?: Environment;
  /** The variables of `env` campaigns may read (REIMAGE_VAR_*, REIMAGE_CAMPAIGN_VARS); absent: REIMAGE_VAR_* only. */
  grant?: VariableGrant;
  /** Servers the worker may reinstall (REIMAGE_ALLOWED_SERVERS); absent: any server of its accounts. */
  allowedServers?: readonly string[];
  /** Hosts images may come from (REIMAGE_IMAGE_HOSTS); absent: any https host. */
  imageHosts?: readonly string[];
  /** Opens an image URL; default: node http/https with the global agent (trusts NODE_EXTRA_CA_CERTS). */
  openImage?: ImageOpener;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
  /** Cancellation-aware sleep; default @temporalio/activity's. A worker that follows a sped-up simulator
   * (followSimulator) divides it by the simulator's speed, together with `clock`. */
  sleep?: (ms: number) => Promise<void>;
  /** `clock` at an instant of Temporal's clock (real time, epoch ms), where the deadlines a workflow sets
   * from its own clock start; default: the same instant. */
  clockAt?: (realMs: number) => number;
  /** How many times faster than real time `clock` runs (a sped-up simulator's speed); absent: 1. */
  ovhClockSpeed?: number;
  /** Hosts hooks and notifications may call (REIMAGE_HOOK_HOSTS); absent: none. */
  hookHosts?: readonly string[];
  /** Signs the tokens of servers' callbacks (REIMAGE_CALLBACK_SECRET); absent: campaigns with a callback fail to start. */
  callbackSecret?: string;
  /** Temporal Web UI base URL for notification links (REIMAGE_UI_URL); absent: no link. */
  uiUrl?: string;
  /** The port the simulator's servers answer their SSH port (22) on (REIMAGE_SIMULATOR_SSH_PORT); absent: 22. */
  simulatorSshPort?: number;
  /** Stable server facts shared by this worker's activities; createActivities makes one when absent. */
  stableFacts?: StableFactsCache;
}

/**
 * Tasks this activity created in earlier tries started after it was first scheduled. The threshold is
 * expressed on OVH's clock; 5 s of slack covers the second-rounded clock offset and task dates.
 */
const OWN_TASK_SLACK_MS = 5_000;

/**
 * This activity's session of the worker's OVH client, in `priority`'s class of the rate budget. It sends
 * nothing once the activity is cancelled or timed out, a call waiting in the budget included: a try
 * past its timeout never writes to OVH after Temporal has moved on (to a retry or a rollback).
 */
export function ovhSession(deps: ActivityDeps, priority?: RatePriority): OvhSession {
  return deps.ovh.session(priority, Context.current().cancellationSignal);
}

/** Epoch ms (OVH clock) from which a task counts as created by this activity; call after the first OVH call. */
export function ownTasksSince(deps: ActivityDeps): number {
  const scheduledAt = (deps.clockAt ?? sameInstant)(activityInfo().scheduledTimestampMs);
  return scheduledAt + deps.ovh.apiTimeDiffSeconds() * 1000 - OWN_TASK_SLACK_MS;
}

const sameInstant = (realMs: number) => realMs;

/**
 * A deadline the workflow set from its own clock (its now plus a phase's budget, e.g. the boot check's),
 * on the worker's clock: the budget counted from when the activity was scheduled. The same instant unless
 * the worker follows a sped-up simulator, where the budget is simulated time, like the waits it bounds.
 */
export function workflowDeadline(deps: ActivityDeps, deadlineAt: string): number {
  const deadline = Date.parse(deadlineAt);
  if (!deps.clockAt) return deadline;
  const scheduledAt = activityInfo().scheduledTimestampMs;
  return deps.clockAt(scheduledAt) + (deadline - scheduledAt);
}

/**
 * The clock, sleeps and deadline mapping of activities that follow a sped-up simulator
 * (REIMAGE_SIMULATOR_SPEED): the worker's clock is the simulated time less OVH's offset as node-ovh measures
 * it, so OVH's clock (ovhNow) is the simulated time; a sleep of `ms` lasts `ms / speed` real milliseconds.
 */
export function followSimulator(
  simulator: SimulatorClock,
  ovh: OvhClient,
): Required<Pick<ActivityDeps, 'clock' | 'clockAt' | 'sleep' | 'ovhClockSpeed'>> {
  const clockAt = (realMs: number) => simulator.at(realMs) - ovh.apiTimeDiffSeconds() * 1000;
  const speed = simulator.speed;
  return { clock: () => clockAt(Date.now()), clockAt, sleep: (ms) => sleep(ms / speed), ovhClockSpeed: speed };
}

/** Now on OVH's clock (epoch ms). */
export function ovhNow(deps: ActivityDeps): number {
  return (deps.clock ?? Date.now)() + deps.ovh.apiTimeDiffSeconds() * 1000;
}

/** How often to heartbeat: well inside the heartbeat timeout (30 s when none is set). */
function heartbeatEveryMs(): number {
  const timeout = activityInfo().heartbeatTimeoutMs;
  return timeout ? Math.max(100, Math.floor(timeout / 3)) : 30_000;
}

/**
 * The latest details each running activity heartbeated. Every heartbeat replaces the details Temporal keeps
 * for a retry, so the keep-alive must repeat them, never send nothing over a checkpoint.
 */
const latestDetails = new WeakMap<Context, unknown>();

/** Heartbeats `details` and remembers them for keepAlive. Use instead of @temporalio/activity's heartbeat. */
export function beat(details: unknown): void {
  const context = Context.current();
  latestDetails.set(context, details);
  context.heartbeat(details);
}

/**
 * Runs an activity body while heartbeating its latest details (at first, those of the previous try)
 * every third of its heartbeat timeout, whatever it is doing: a wait in the rate budget or a slow OVH call
 * too. A short heartbeat timeout is then safe, and it is what makes a dead worker's activity retried within
 * 30 s (WORKER_LOSS_MS) instead of at its start-to-close timeout (RELIABILITY.md, "Worker crash").
 */
export async function keepAlive<T>(run: () => Promise<T>): Promise<T> {
  const context = Context.current();
  if (!context.info.heartbeatTimeoutMs) return run();
  latestDetails.set(context, context.info.heartbeatDetails);
  const timer = setInterval(() => context.heartbeat(latestDetails.get(context)), heartbeatEveryMs());
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}

/** Cancellation-aware waiting that keeps heartbeating `details` during long sleeps. */
export function activityWaiter(deps: ActivityDeps, details: () => unknown = () => undefined): Waiter {
  return {
    now: deps.clock ?? Date.now,
    heartbeat: (value?: unknown) => beat(value ?? details()),
    async sleep(ms: number) {
      let left = Math.max(0, ms);
      const chunk = heartbeatEveryMs();
      while (left > 0) {
        const step = Math.min(left, chunk);
        await (deps.sleep ?? sleep)(step);
        left -= step;
        beat(details());
      }
    },
  };
}
