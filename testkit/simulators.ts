/**
 * How a stack runs the OVH simulator: in its own process (drills, the CLI tests and the demo read and
 * steer its state through `sim.state`), or as `reimage simulator`, a process of its own as in a rehearsal
 * (the benchmarks measure its CPU time apart from the worker's).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createSimulator, type Simulator, type SimulatorOptions } from '../src/simulator';
import type { ConnectionLine } from '../src/simulator/main';
import { PROJECT_ROOT } from '../src/temporal/binaries';
import type { SimulatorEndpoint } from './env';

const BIN = path.join(PROJECT_ROOT, 'bin', 'reimage.js');

export interface RunningSimulator<S extends SimulatorEndpoint> {
  sim: S;
  close(): Promise<void>;
}

/** Starts a simulator signed by the CA in `caDir`; child processes inherit `baseEnv`. */
export type SimulatorStarter<S extends SimulatorEndpoint> = (context: {
  caDir: string;
  baseEnv: NodeJS.ProcessEnv;
}) => Promise<RunningSimulator<S>>;

/** `createSimulator(options)` in this process. */
export function inProcessSimulator(options: Omit<SimulatorOptions, 'caDir'>): SimulatorStarter<Simulator> {
  return async ({ caDir }) => {
    const sim = await createSimulator({ ...options, caDir });
    return { sim, close: () => sim.close() };
  };
}

/** A `reimage simulator` process: what its connection line says, and its pid. */
export interface SimulatorProcess extends SimulatorEndpoint {
  pid: number;
}

export interface SimulatorProcessOptions {
  servers: number;
  /** Simulated seconds per real second. */
  speed: number;
  seed: string;
  /** A fault spec (src/simulator/faults.ts grammar). */
  faults?: string;
  /** Per consumer key, e.g. "60/min"; none by default. */
  rateLimit?: string;
}

/** `reimage simulator --quiet` (errors only on stderr); resolves with its connection line. */
export function simulatorProcess(options: SimulatorProcessOptions): SimulatorStarter<SimulatorProcess> {
  return async ({ caDir, baseEnv }) => {
    const args = [BIN, 'simulator', '--port', '0', '--servers', String(options.servers)];
    args.push('--speed', String(options.speed), '--seed', options.seed, '--ca-dir', caDir, '--quiet');
    if (options.faults) args.push('--faults', options.faults);
    if (options.rateLimit) args.push('--rate-limit', options.rateLimit);
    const child = spawn(process.execPath, args, { env: baseEnv, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const text = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      void exited.then(() => reject(new Error(`The simulator exited (code ${child.exitCode}) before its line.`)));
    });
    const {
      url,
      port,
      caCertPath,
      sshPort,
      servers,
      host: _host,
      basePath: _path,
      ...credentials
    } = JSON.parse(text) as ConnectionLine;
    return {
      sim: { url, port, caCertPath, sshPort, servers, credentials, pid: child.pid ?? -1 },
      close: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  };
}
