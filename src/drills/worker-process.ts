/**
 * The worker as a child process the drills can SIGKILL and start again, as an operator's supervisor
 * (systemd, Kubernetes) would: worker-main.ts (createWorker, like `reimage worker`) with the stack's
 * environment and the workflow bundle the drill built once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../temporal/binaries';

const WORKER_MAIN = path.join(PROJECT_ROOT, 'src', 'drills', 'worker-main.ts');
/** TypeScript through tsx's CommonJS hook, as bin/reimage.js runs the CLI. */
const BOOT = `require('tsx/cjs/api').register(); require(${JSON.stringify(WORKER_MAIN)});`;
/** Loading the worker and its bundle takes seconds on a busy 2-core machine. */
const READY_TIMEOUT_MS = 90_000;
/** Kept for the error message when a worker fails to start or dies. */
const STDERR_TAIL_CHARS = 4_000;

/** A running worker child; `exited` resolves with its exit code or signal. */
export interface WorkerChild {
  pid: number;
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

/** Spawns a worker and resolves once it logs "worker ready" (its log level is forced to info for that). */
export async function startWorkerChild(env: NodeJS.ProcessEnv): Promise<WorkerChild> {
  const child: ChildProcess = spawn(process.execPath, ['-e', BOOT], {
    cwd: PROJECT_ROOT,
    env: { ...env, REIMAGE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(describeExit(code, signal))),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The worker (pid ${child.pid}) did not get ready in ${READY_TIMEOUT_MS} ms:\n${tail}`)),
      READY_TIMEOUT_MS,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
      if (tail.includes('"message":"worker ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`The worker exited (${how}) before it was ready:\n${tail}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid ?? -1,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    stderrTail: () => tail,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
