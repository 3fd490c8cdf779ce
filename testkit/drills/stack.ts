/**
 * The stack a drill controls (../stack.ts): its own Temporal dev server on a SQLite file and a fixed port
 * (a restart serves the same address and history) unless it runs on the test suite's, the simulator in
 * this process (its side door is the ground truth the drill checks), the demo image server, and the
 * worker as `reimage worker` children the drill can SIGKILL and start again.
 */
import { randomUUID } from 'node:crypto';
import type { Simulator, SimulatorOptions } from '../../src/simulator';
import { startStack, type Stack } from '../stack';
import { inProcessSimulator } from '../simulators';
import { workerProcess, type WorkerSupervisor } from '../workers';

export interface DrillStackOptions {
  /** The environment the stack's processes inherit (the drill script's, or the test's). */
  baseEnv: NodeJS.ProcessEnv;
  servers: number;
  /** Simulated seconds per real second. */
  speed: number;
  seed: string;
  /** Directory of the CA the simulator and the image server use (created when missing). */
  caDir: string;
  /** Fault spec (grammar in src/simulator/faults.ts), built once the server names are known. */
  faults?: (servers: string[]) => string;
  rateLimit?: SimulatorOptions['rateLimit'];
  /** The worker's own OVH budget (OVH_RATE_LIMIT); default: the stack's (testkit/env.ts). */
  workerRateLimit?: string;
  /** An existing Temporal frontend (the test suite's); undefined: the stack starts its own on a SQLite file. */
  temporalAddress?: string;
}

export interface DrillStack extends Stack<Simulator, WorkerSupervisor> {
  servers: string[];
  /** The fault spec the simulator runs with (image faults by service name, API faults by rate). */
  faultSpec: string;
  /** Install POSTs the simulator received per server (accepted or refused), from its request log. */
  installPostsSeen: Map<string, number>;
}

const INSTALL_POST = /^POST \/1\.0\/dedicated\/server\/([^/ ]+)\/(reinstall|bringYourOwnImage) /;

/** Starts every part, the worker included, but the campaign. */
export async function startDrillStack(options: DrillStackOptions): Promise<DrillStack> {
  const prefix = randomUUID().slice(0, 8);
  const servers = Array.from({ length: options.servers }, (_, i) => `ns${prefix}-${i + 1}.drill.eu`);
  const installPostsSeen = new Map<string, number>();
  const faultSpec = options.faults?.(servers) ?? '';
  const stack = await startStack({
    baseEnv: options.baseEnv,
    caDir: options.caDir,
    temporal: options.temporalAddress ? { address: options.temporalAddress } : { restartable: true },
    simulator: inProcessSimulator({
      seed: options.seed,
      speed: options.speed,
      fleet: { servers: servers.map((name) => ({ name })) },
      faults: faultSpec,
      rateLimit: options.rateLimit,
      log: (line) => {
        const match = INSTALL_POST.exec(line);
        if (match) installPostsSeen.set(match[1]!, (installPostsSeen.get(match[1]!) ?? 0) + 1);
      },
    }),
    worker: workerProcess(),
    taskQueue: `drill-${randomUUID()}`,
    env: options.workerRateLimit ? { OVH_RATE_LIMIT: options.workerRateLimit } : {},
  });
  return Object.assign(stack, { servers, faultSpec, installPostsSeen });
}
