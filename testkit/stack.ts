/**
 * One stack for the tests, the drills, the benchmarks and the demo: a Temporal server (existing, or a dev
 * server of its own), the OVH simulator (in process or `reimage simulator`), the demo image server signed
 * by the simulator's CA, and a worker (in process or `reimage worker` children) on the simulator's
 * environment (env.ts). Campaigns then run through the CLI's own code with `config` (task queue,
 * allow-list) and `client`, or through `reimage` processes given `env`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { loadClientConfig, loadConfig, type Config } from '../src/config';
import { ensureCa } from '../src/simulator/ca';
import { connectClient } from '../src/temporal/connection';
import { simulatorEnv, type EnvOverrides, type SimulatorEndpoint } from './env';
import { startDemoImageServer, type DemoImageServer } from './image-server';
import type { SimulatorStarter } from './simulators';
import { startTemporal, type StackTemporal, type TemporalOption } from './temporal';
import type { WorkerStarter } from './workers';

export interface StackOptions<S extends SimulatorEndpoint, W> {
  /**
   * The environment the stack's processes inherit and its worker's starts from: the entry point's
   * (config.ts readEnvironment()) or a test's. TEMPORAL_CLI_PATH may name the Temporal CLI in it.
   */
  baseEnv: NodeJS.ProcessEnv;
  /** The CA of the simulator and the image server (created when missing). */
  caDir: string;
  temporal: TemporalOption;
  /** inProcessSimulator(...) or simulatorProcess(...). */
  simulator: SimulatorStarter<S>;
  /** inProcessWorker(...) or workerProcess(...). */
  worker: WorkerStarter<W>;
  /** Default: a queue of its own, `stack-<uuid>`. */
  taskQueue?: string;
  /** On top of simulatorEnv's: a drill's OVH_RATE_LIMIT; undefined removes a variable. */
  env?: EnvOverrides;
  /** Progress lines (installing the Temporal CLI); default: stderr. */
  log?: (line: string) => void;
}

export interface Stack<S extends SimulatorEndpoint, W> {
  sim: S;
  worker: W;
  image: DemoImageServer;
  temporal: StackTemporal;
  /** The worker's environment, and that of `reimage` runs against the stack (codec keys included). */
  env: NodeJS.ProcessEnv;
  /** `env` parsed: what runPlan and startCampaign take. */
  config: Readonly<Config>;
  /** A client with the stack's codec keys. */
  client: Client;
  /** Stops the worker, then everything else; removes the stack's temporary directory. */
  close(): Promise<void>;
}

type Cleanup = () => Promise<unknown>;

async function runCleanups(cleanups: Cleanup[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}

/** Starts every part; on a failure, stops what had started and throws. */
export async function startStack<S extends SimulatorEndpoint, W>(options: StackOptions<S, W>): Promise<Stack<S, W>> {
  const cleanups: Cleanup[] = [];
  try {
    return await buildStack(options, cleanups);
  } catch (err) {
    await runCleanups(cleanups);
    throw err;
  }
}

async function buildStack<S extends SimulatorEndpoint, W>(
  options: StackOptions<S, W>,
  cleanups: Cleanup[],
): Promise<Stack<S, W>> {
  const { baseEnv, caDir } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reimage-stack-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const temporal = await startTemporal(options.temporal, { baseEnv, dataDir, log });
  cleanups.push(() => temporal.stop());
  const { sim, close: closeSim } = await options.simulator({ caDir, baseEnv });
  cleanups.push(closeSim);
  const image = await startDemoImageServer(ensureCa(caDir));
  cleanups.push(() => image.close());
  const overrides = {
    TEMPORAL_ADDRESS: temporal.address,
    REIMAGE_TASK_QUEUE: options.taskQueue ?? `stack-${randomUUID()}`,
    ...options.env,
  };
  const env = simulatorEnv(sim, overrides, baseEnv);
  const config = loadConfig(env);
  const client = await connectClient(loadClientConfig(env));
  cleanups.push(() => client.connection.close());
  const { worker, stop } = await options.worker({ env, config, client, dataDir });
  cleanups.push(stop);
  return { sim, worker, image, temporal, env, config, client, close: () => runCleanups(cleanups) };
}
