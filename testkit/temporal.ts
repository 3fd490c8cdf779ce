/**
 * The Temporal server of a stack: an existing frontend (the test suite's), or a dev server the stack
 * starts, with its Web UI for the demo, or on a SQLite file and a fixed port so a drill can SIGKILL it and
 * start it again on the same address and history.
 */
import path from 'node:path';
import { ensureTemporalBinaryWithDownload } from '../src/temporal/binaries';
import { freePort, startDevServer, type RunningDevServer } from '../src/temporal/dev-server';

/** An existing frontend, or the options of the dev server the stack starts. */
export type TemporalOption = { address: string } | { ui?: boolean; restartable?: boolean };

export interface StackTemporal {
  address: string;
  /** The Web UI, when the stack started the dev server with `ui`. */
  uiUrl?: string;
  /** How long the dev server took to answer; 0 for an existing frontend. */
  startMs: number;
  /** The dev server's pid (it changes with a restart); undefined for an existing frontend. */
  pid(): number | undefined;
  /** SIGKILLs the dev server, waits `downMs`, starts it again on its file and port; returns the downtime. */
  restart(downMs: number): Promise<number>;
  stop(): Promise<void>;
}

interface TemporalContext {
  /** Where TEMPORAL_CLI_PATH may name the Temporal CLI (see src/temporal/binaries.ts). */
  baseEnv: NodeJS.ProcessEnv;
  dataDir: string;
  log: (line: string) => void;
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

/** Connects to `option.address`, or starts a dev server as `option` says. */
export async function startTemporal(option: TemporalOption, context: TemporalContext): Promise<StackTemporal> {
  if ('address' in option) {
    const cannot = () =>
      Promise.reject(new Error('This stack uses an external Temporal server; it cannot restart it.'));
    return { address: option.address, startMs: 0, pid: () => undefined, restart: cannot, stop: async () => {} };
  }
  const cliPath = await ensureTemporalBinaryWithDownload('cli', context.baseEnv, context.log);
  const dbFile = option.restartable ? path.join(context.dataDir, 'temporal.sqlite') : undefined;
  const uiPort = option.ui ? await freePort() : undefined;
  let server: RunningDevServer = await startDevServer({ cliPath, dbFile, uiPort, fastSqlite: true });
  return {
    address: server.address,
    uiUrl: server.uiUrl,
    startMs: server.startMs,
    pid: () => server.pid,
    async restart(downMs) {
      if (!dbFile) throw new Error('This stack keeps Temporal in memory: start it with restartable: true.');
      const killedAt = Date.now();
      await killAndWait(server.pid);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      const port = Number(server.address.split(':')[1]);
      server = await startDevServer({ cliPath, dbFile, port, uiPort, fastSqlite: true });
      return Date.now() - killedAt;
    },
    stop: () => server.stop(),
  };
}
