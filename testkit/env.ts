/**
 * The environment a stack's worker (and the CLI runs pointed at it) gets for a simulator: the OVH settings
 * the simulator printed, its CA, a fresh payload-codec key, quiet logs and the stack's OVH budget.
 */
import { randomBytes } from 'node:crypto';
import type { Simulator } from '../src/simulator';

/**
 * The OVH_RATE_LIMIT of every stack's worker. The simulator has no fair-use limit unless a drill sets one
 * (and then the drill sets the worker's budget with it); without one, the budget must never be what paces
 * a test, drill, benchmark or the demo, whose figures are the orchestrator's. So it sits above the most
 * the simulator can answer (BENCHMARKS.md, "Simulator throughput"):
 * the default 60/min would hold a 40-server demo for ten minutes.
 */
const STACK_OVH_RATE_LIMIT = '1000000/min';

/** What a worker needs to reach a simulator, in process (`createSimulator`) or not (`reimage simulator`). */
export type SimulatorEndpoint = Pick<Simulator, 'url' | 'port' | 'caCertPath' | 'sshPort' | 'credentials' | 'servers'>;

/** Variables to set (a string) or to remove (undefined). */
export type EnvOverrides = Record<string, string | undefined>;

/** A fresh REIMAGE_CODEC_KEYS value: one AES-256 key, so payloads are encrypted as in production. */
export function freshCodecKeys(id = 'stack'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/** `base` with `overrides` applied: a string sets a variable, undefined removes it. */
export function withOverrides(base: NodeJS.ProcessEnv, overrides: EnvOverrides): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * A worker's environment for `sim`: `base` (what its process inherits), the simulator's variables, then
 * `overrides` (e.g. TEMPORAL_ADDRESS, REIMAGE_TASK_QUEUE, a drill's OVH_RATE_LIMIT).
 */
export function simulatorEnv(
  sim: SimulatorEndpoint,
  overrides: EnvOverrides = {},
  base: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    TEMPORAL_NAMESPACE: 'default',
    OVH_ENDPOINT: sim.url,
    OVH_APPLICATION_KEY: sim.credentials.appKey,
    OVH_APPLICATION_SECRET: sim.credentials.appSecret,
    OVH_CONSUMER_KEY: sim.credentials.consumerKey,
    OVH_CA_FILE: sim.caCertPath,
    // Boot probes reach the simulated servers' SSH ports on their loopback addresses.
    REIMAGE_SIMULATOR_SSH_PORT: String(sim.sshPort),
    // The image server and the boot probe are signed by the simulator's CA too (a child process trusts it).
    NODE_EXTRA_CA_CERTS: sim.caCertPath,
    OVH_RATE_LIMIT: STACK_OVH_RATE_LIMIT,
    REIMAGE_CODEC_KEYS: freshCodecKeys(),
    REIMAGE_LOG_LEVEL: 'error',
  };
  return withOverrides(env, overrides);
}
