/**
 * The worker as a child process, as an operator's supervisor (systemd, Kubernetes) runs it: `reimage
 * worker` on the stack's environment, with REIMAGE_WORKFLOW_BUNDLE naming the workflow code the stack
 * bundled ONCE. A worker restarted mid-campaign must run the code the workflows started with; re-bundling
 * a source tree that changed in between would replay their histories against other code (a
 * non-determinism error). Production deploys do the same: one build. A drill can SIGKILL it and start
 * another; a benchmark reads its pid's RSS and CPU time.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { workflowPollers } from '../src/cli/plan-runner';
import { PROJECT_ROOT } from '../src/temporal/binaries';
import { freePort } from '../src/temporal/dev-server';

const BIN = path.join(PROJECT_ROOT, 'bin', 'reimage.js');
/** Loading the worker and its bundle takes seconds on a busy 2-core machine. */
const READY_TIMEOUT_MS = 90_000;
/** Kept for the error message when a worker fails to start or dies. */
const STDERR_TAIL_CHARS = 4_000;

/** A running worker process; `exited` resolves with its exit code or signal. */
export interface WorkerProcess {
  pid: number;
  /** Where it serves its Prometheus metrics (REIMAGE_METRICS_BIND), host:port. */
  metricsBind: string;
  exited: Promise<string>;
  /** False once the process has exited, whatever the reason. */
  running(): boolean;
  /** Its last lines on stderr (logs are JSON; secrets are redacted by the worker). */
  stderrTail(): string;
  kill(signal: NodeJS.Signals): Promise<string>;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

/**
 * Whether the worker with `pid` polls `taskQueue` yet: its default identity is `<pid>@<host>`, so a
 * predecessor's poller, which Temporal lists for minutes after it died, does not count.
 */
async function polls(client: Client, taskQueue: string, pid: number): Promise<boolean> {
  try {
    return (await workflowPollers(client, taskQueue)).some((identity) => identity.startsWith(`${pid}@`));
  } catch {
    return false; // Temporal restarting (a drill): ask again.
  }
}

/**
 * Spawns `reimage worker` on `env` (which names `taskQueue` and the bundle), with its Prometheus metrics
 * on a free port, and resolves once it polls `taskQueue`.
 */
export async function startWorkerProcess(
  env: NodeJS.ProcessEnv,
  client: Client,
  taskQueue: string,
): Promise<WorkerProcess> {
  const metricsBind = `127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, [BIN, 'worker'], {
    cwd: PROJECT_ROOT,
    env: { ...env, REIMAGE_METRICS_BIND: metricsBind },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-STDERR_TAIL_CHARS)));
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(describeExit(code, signal))),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const pid = child.pid ?? -1;
  const giveUpAt = Date.now() + READY_TIMEOUT_MS;
  while (!(await polls(client, taskQueue, pid))) {
    const problem = !running()
      ? `exited (${await exited}) before it was ready`
      : Date.now() > giveUpAt && `(pid ${pid}) did not poll its task queue within ${READY_TIMEOUT_MS} ms`;
    if (problem) {
      child.kill('SIGKILL');
      throw new Error(`The worker ${problem}:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    pid,
    metricsBind,
    exited,
    running,
    stderrTail: () => tail,
    async kill(signal) {
      if (running()) child.kill(signal);
      return exited;
    },
  };
}
