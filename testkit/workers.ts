/**
 * How a stack runs its worker: in its own process (createWorker, the CLI tests and the demo), or as
 * `reimage worker` children that a drill can SIGKILL and start again (drills, benchmarks).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Config } from '../src/config';
import type { Logger } from '../src/observability/logger';
import { bundleWorkflows, createWorker, type WorkerHandle } from '../src/worker';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** What a worker starter gets from the stack once Temporal, the simulator and the image server run. */
export interface WorkerContext {
  /** The worker's environment (the stack's). */
  env: NodeJS.ProcessEnv;
  config: Readonly<Config>;
  client: Client;
  /** The stack's temporary directory, removed when it closes. */
  dataDir: string;
}

export type WorkerStarter<W> = (context: WorkerContext) => Promise<{ worker: W; stop(): Promise<void> }>;

export interface InProcessWorkerOptions {
  /** Default: JSON lines at the stack's log level. */
  logger?: Logger;
  /** A bundle built ahead (a test file's); default: bundle src/workflows now. */
  workflowBundle?: WorkflowBundle;
}

/** The worker in this process; call Runtime.install first to quiet the SDK's own logs. */
export function inProcessWorker(options: InProcessWorkerOptions = {}): WorkerStarter<WorkerHandle> {
  return async ({ env }) => {
    const worker = await createWorker({ env, ...options });
    const running = worker.run();
    return {
      worker,
      async stop() {
        worker.shutdown();
        await running;
      },
    };
  };
}

/** `reimage worker` children, one at a time. */
export interface WorkerSupervisor {
  /** The running child; undefined after `kill()`. */
  current(): WorkerProcess | undefined;
  /** Starts a child; resolves once it polls the task queue. */
  start(): Promise<WorkerProcess>;
  /** SIGKILLs the child; resolves once it is gone. */
  kill(): Promise<void>;
}

/** How long a worker may take to stop on SIGTERM (its shutdownGraceTime is 10 s) before it is killed. */
const STOP_GRACE_MS = 15_000;

/**
 * A `reimage worker` child, started at once, on the workflow code bundled once into the stack's directory
 * (REIMAGE_WORKFLOW_BUNDLE). `nodeOptions`: the child's NODE_OPTIONS (a benchmark caps its heap).
 */
export function workerProcess(options: { nodeOptions?: string } = {}): WorkerStarter<WorkerSupervisor> {
  return async ({ env, config, client, dataDir }) => {
    const bundlePath = path.join(dataDir, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await bundleWorkflows()).code);
    const childEnv: NodeJS.ProcessEnv = { ...env, REIMAGE_WORKFLOW_BUNDLE: bundlePath };
    if (options.nodeOptions) childEnv.NODE_OPTIONS = options.nodeOptions;
    let child: WorkerProcess | undefined = await startWorkerProcess(childEnv, client, config.taskQueue);
    const worker: WorkerSupervisor = {
      current: () => child,
      async start() {
        child = await startWorkerProcess(childEnv, client, config.taskQueue);
        return child;
      },
      async kill() {
        await child?.kill('SIGKILL');
        child = undefined;
      },
    };
    return {
      worker,
      async stop() {
        const stopping = child?.kill('SIGTERM');
        const timer = setTimeout(() => void child?.kill('SIGKILL'), STOP_GRACE_MS);
        await stopping;
        clearTimeout(timer);
      },
    };
  };
}
