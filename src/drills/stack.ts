/**
 * The whole stack a drill controls: a Temporal dev server on a SQLite file and a fixed port (so a restart
 * serves the same address and history), the OVH API simulator in this process (its side door is the
 * ground truth the drill checks), the demo image server, and the worker as a child process.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { startDemoImageServer, type DemoImageServer } from '../demo/image-server';
import { createSimulator, type Simulator, type SimulatorOptions } from '../simulator';
import { ensureCa } from '../simulator/ca';
import { ensureTemporalBinary } from '../temporal/binaries';
import { connectClient } from '../temporal/connection';
import { bundleWorkflows } from '../worker';
import { freePort, startDevServer, type RunningDevServer } from '../temporal/dev-server';
import { startWorkerChild, type WorkerChild } from './worker-process';

export interface DrillStackOptions {
  servers: number;
  /** Simulated seconds per real second. */
  speed: number;
  seed: string;
  /** Directory of the CA the simulator and the image server use (created when missing). */
  caDir: string;
  /** Fault spec (grammar in src/simulator/faults.ts), built once the server names are known. */
  faults?: (servers: string[]) => string;
  rateLimit?: SimulatorOptions['rateLimit'];
  /** The worker's own OVH rate budget (OVH_RATE_LIMIT); default far above anything the simulator limits. */
  workerRateLimit?: string;
  /** An existing Temporal frontend (the test suite's); undefined: the stack starts its own on a SQLite file. */
  temporalAddress?: string;
}

export interface DrillStack {
  servers: string[];
  sim: Simulator;
  image: DemoImageServer;
  /** Environment of the worker (and of the CLI-side code in this process). */
  env: NodeJS.ProcessEnv;
  client: Client;
  /** The fault spec the simulator runs with (image faults by service name, API faults by rate). */
  faultSpec: string;
  /** Install POSTs the simulator received per server (accepted or refused), from its request log. */
  installPostsSeen: Map<string, number>;
  worker(): WorkerChild | undefined;
  startWorker(): Promise<WorkerChild>;
  /** SIGKILLs the worker; resolves once it is gone. */
  killWorker(): Promise<void>;
  /** SIGKILLs the dev server and starts it again on the same SQLite file and port; returns the downtime. */
  restartDevServer(downMs: number): Promise<number>;
  close(): Promise<void>;
}

const INSTALL_POST = /^POST \/1\.0\/dedicated\/server\/([^/ ]+)\/(reinstall|bringYourOwnImage) /;

/** Starts every part but the campaign; call `startWorker()` next. */
export async function startDrillStack(options: DrillStackOptions): Promise<DrillStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    return await buildStack(options, cleanups);
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw err;
  }
}

async function buildStack(options: DrillStackOptions, cleanups: (() => Promise<unknown>)[]): Promise<DrillStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reimage-drill-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const dbFile = path.join(dataDir, 'temporal.sqlite');
  const dev = options.temporalAddress ? undefined : await ownDevServer(dbFile);
  if (dev) cleanups.push(() => dev.stop());
  const prefix = randomUUID().slice(0, 8);
  const servers = Array.from({ length: options.servers }, (_, i) => `ns${prefix}-${i + 1}.drill.eu`);
  const installPostsSeen = new Map<string, number>();
  const faultSpec = options.faults?.(servers) ?? '';
  const sim = await createSimulator({
    caDir: options.caDir,
    seed: options.seed,
    speed: options.speed,
    fleet: { servers: servers.map((name) => ({ name })) },
    faults: faultSpec,
    rateLimit: options.rateLimit,
    log: (line) => {
      const match = INSTALL_POST.exec(line);
      if (match) installPostsSeen.set(match[1]!, (installPostsSeen.get(match[1]!) ?? 0) + 1);
    },
  });
  cleanups.push(() => sim.close());
  const ca = ensureCa(options.caDir);
  const image = await startDemoImageServer(ca);
  cleanups.push(() => image.close());
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflows()).code);
  const env = await stackEnv(sim, ca.caCertPath, options.temporalAddress ?? dev!.address);
  env.REIMAGE_DRILL_BUNDLE = bundlePath;
  if (options.workerRateLimit) env.OVH_RATE_LIMIT = options.workerRateLimit;
  const client = await connectClient(env);
  cleanups.push(() => client.connection.close());
  return assemble({ servers, sim, image, env, client, faultSpec, installPostsSeen }, dev && { dev, dbFile }, cleanups);
}

async function ownDevServer(dbFile: string): Promise<RunningDevServer> {
  const cliPath = ensureTemporalBinary('cli', (line) => process.stderr.write(`${line}\n`));
  return startDevServer({ cliPath, dbFile, fastSqlite: true });
}

async function stackEnv(sim: Simulator, caCertPath: string, temporalAddress: string): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    REIMAGE_TASK_QUEUE: `drill-${randomUUID()}`,
    OVH_ENDPOINT: sim.url,
    OVH_APPLICATION_KEY: sim.credentials.appKey,
    OVH_APPLICATION_SECRET: sim.credentials.appSecret,
    OVH_CONSUMER_KEY: sim.credentials.consumerKey,
    OVH_CA_FILE: sim.caCertPath,
    // The image server and the boot probe are signed by the same CA as the simulator.
    NODE_EXTRA_CA_CERTS: caCertPath,
    // The simulator has no fair-use limit of its own (a drill may set one, and this budget with it); 60/min
    // would pace the drill.
    OVH_RATE_LIMIT: '100000/min',
    REIMAGE_CODEC_KEYS: `drill:${randomBytes(32).toString('base64')}`,
    REIMAGE_METRICS_BIND: `127.0.0.1:${await freePort()}`,
    REIMAGE_LOG_LEVEL: 'error',
  };
}

type StackParts = Pick<DrillStack, 'servers' | 'sim' | 'image' | 'env' | 'client' | 'faultSpec' | 'installPostsSeen'>;

interface OwnDevServer {
  dev: RunningDevServer;
  dbFile: string;
}

function assemble(parts: StackParts, own: OwnDevServer | undefined, cleanups: (() => Promise<unknown>)[]): DrillStack {
  let worker: WorkerChild | undefined;
  let devServer = own?.dev;
  const stack: DrillStack = {
    ...parts,
    worker: () => worker,
    async startWorker() {
      worker = await startWorkerChild(parts.env);
      return worker;
    },
    async killWorker() {
      await worker?.kill('SIGKILL');
      worker = undefined;
    },
    async restartDevServer(downMs) {
      if (!devServer) throw new Error('This drill stack uses an external Temporal server; it cannot restart it.');
      const killedAt = Date.now();
      await killAndWait(devServer.pid);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      const port = Number(devServer.address.split(':')[1]);
      const cliPath = ensureTemporalBinary('cli', () => undefined);
      devServer = await startDevServer({ cliPath, dbFile: own!.dbFile, port, fastSqlite: true });
      return Date.now() - killedAt;
    },
    async close() {
      await worker?.kill('SIGKILL');
      if (devServer && devServer !== own?.dev) await devServer.stop();
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    },
  };
  return stack;
}

async function killAndWait(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
