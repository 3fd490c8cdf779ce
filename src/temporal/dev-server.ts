/**
 * Starts the embedded Temporal dev server (`temporal server start-dev`, SQLite) and waits for it to answer.
 * We wait ourselves, up to 60 s, because the SDK's own start gives up after 5 s: too tight on 2 cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../shared/search-attributes';

export interface DevServerOptions {
  /** Path of the `temporal` CLI binary (see binaries.ts). */
  cliPath: string;
  /** Frontend gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; undefined runs headless. */
  uiPort?: number;
  /** SQLite file; undefined keeps the database in memory. */
  dbFile?: string;
  /** Fast SQLite settings for throw-away databases (tests, benchmarks): WAL and no fsync. */
  fastSqlite?: boolean;
  readyTimeoutMs?: number;
  /** Where the server's own log lines go; default: discarded. */
  logTo?: 'inherit' | 'ignore';
}

export interface RunningDevServer {
  address: string;
  uiUrl?: string;
  pid: number;
  startMs: number;
  stop(): Promise<void>;
}

/** Returns a TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function devServerArgs(options: DevServerOptions, port: number): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (options.fastSqlite) args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  for (const { name, cliType } of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${name}=${cliType}`);
  // Campaigns keep at most 500 children pending; the default cap (2,000) already covers it, this is headroom.
  args.push('--dynamic-config-value', 'limit.numPendingChildExecutions.error=2000');
  return args;
}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (err) {
      if (child.exitCode !== null) {
        throw new Error(`The Temporal dev server exited with code ${child.exitCode} before answering on ${address}.`);
      }
      if (Date.now() > deadline) {
        throw new Error(`The Temporal dev server did not answer on ${address} within ${timeoutMs} ms: ${String(err)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Starts the dev server and resolves once its frontend answers; `stop()` ends it with SIGTERM. */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const started = Date.now();
  const port = options.port || (await freePort());
  const child = spawn(options.cliPath, devServerArgs(options, port), {
    stdio: ['ignore', options.logTo ?? 'ignore', options.logTo ?? 'ignore'],
  });
  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, child, options.readyTimeoutMs ?? 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    pid: child.pid ?? -1,
    startMs: Date.now() - started,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
