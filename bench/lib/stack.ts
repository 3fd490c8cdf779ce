/**
 * The stack a workflow benchmark runs on, each part in its own process as in production: a Temporal dev
 * server (in-memory SQLite), the OVH simulator (`reimage simulator`) and one worker (`reimage worker`, whose
 * peak RSS is read from /proc). Campaigns are built from a campaign file object through the same validation
 * and input builder as `reimage start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Client } from '@temporalio/client';
import { validateCampaignData } from '../../src/campaign/loader';
import { startDemoImageServer } from '../../src/demo/image-server';
import { ensureCa } from '../../src/simulator/ca';
import { campaignInput, NoWorkerError, requireWorker } from '../../src/cli/plan-runner';
import type { CampaignReport } from '../../src/shared/campaign-report-types';
import { campaignWorkflowId } from '../../src/shared/workflow-ids';
import { ensureTemporalBinaryWithDownload, PROJECT_ROOT } from '../../src/temporal/binaries';
import { connectClient } from '../../src/temporal/connection';
import { freePort, startDevServer, type RunningDevServer } from '../../src/temporal/dev-server';
import { bundleWorkflows } from '../../src/worker';

const BIN = path.join(PROJECT_ROOT, 'bin', 'reimage.js');
const CA_DIR = path.join(PROJECT_ROOT, '.data', 'bench-ca');
const BUNDLE = path.join(PROJECT_ROOT, '.data', 'bench', 'workflow-bundle.js');

export interface BenchStackOptions {
  servers: number;
  /** Simulated seconds per real second. */
  speed: number;
  seed?: string;
  /** Simulator fault spec (src/simulator/faults.ts grammar). */
  faults?: string;
  /** Simulator rate limit per key, e.g. "60/min"; none by default. */
  rateLimit?: string;
  /** The worker's OVH budget (OVH_RATE_LIMIT); unlimited in practice by default. */
  workerRateLimit?: string;
}

export interface SimulatorLine {
  url: string;
  port: number;
  caCertPath: string;
  appKey: string;
  appSecret: string;
  consumerKey: string;
  servers: string[];
}

export interface BenchStack {
  client: Client;
  sim: SimulatorLine;
  /** GET on the simulator's side door (`/_sim/...`). */
  sideDoor<T>(route: string): Promise<T>;
  /** Peak resident set of the worker process so far, in MiB (VmHWM). */
  workerPeakRssMb(): number;
  /** CPU seconds (user + system) each process has used so far: robust to other load on the machine. */
  cpuSeconds(): { worker: number; temporal: number; simulator: number };
  /** A qualifiable raw GPT image served over HTTPS (trusted through the same CA as the simulator). */
  image: { url: string; sha256: string };
  /** Runs a campaign from a campaign-file object (name, servers and image filled in) and returns its report. */
  runCampaign(file: Record<string, unknown>, campaignId: string): Promise<CampaignReport>;
  /** Every run of a workflow ID with its history length. */
  runsOf(workflowId: string): Promise<{ runId: string; events: number }[]>;
  stop(): Promise<void>;
}

/** Starts a process and resolves with its first stdout line. */
function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${code} before printing its line.`)));
  });
}

function startSimulator(options: BenchStackOptions): Promise<{ child: ChildProcess; line: SimulatorLine }> {
  const args = [BIN, 'simulator', '--port', '0', '--servers', String(options.servers), '--speed', String(options.speed)];
  args.push('--seed', options.seed ?? 'bench', '--ca-dir', CA_DIR, '--quiet');
  if (options.faults) args.push('--faults', options.faults);
  if (options.rateLimit) args.push('--rate-limit', options.rateLimit);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return firstLine(child, 'The simulator').then((text) => ({ child, line: JSON.parse(text) as SimulatorLine }));
}

/** As in the Dockerfile (ENV NODE_OPTIONS); BENCH_WORKER_HEAP_MB measures another cap. */
const WORKER_NODE_OPTIONS = `--max-old-space-size=${process.env.BENCH_WORKER_HEAP_MB ?? '256'}`;

function workerEnv(dev: RunningDevServer, sim: SimulatorLine, options: BenchStackOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: dev.address,
    TEMPORAL_NAMESPACE: 'default',
    REIMAGE_TASK_QUEUE: 'reimage-bench',
    REIMAGE_LOG_LEVEL: 'error',
    OVH_ENDPOINT: sim.url,
    OVH_APPLICATION_KEY: sim.appKey,
    OVH_APPLICATION_SECRET: sim.appSecret,
    OVH_CONSUMER_KEY: sim.consumerKey,
    OVH_CA_FILE: sim.caCertPath,
    OVH_RATE_LIMIT: options.workerRateLimit ?? '1000000/min',
    // Built once, as a deployment does (`npm run bundle`): the worker's RSS is then its own, not webpack's.
    REIMAGE_WORKFLOW_BUNDLE: BUNDLE,
    // The heap cap the Dockerfile sets: without it V8 grows the heap lazily to ~600 MB under load.
    NODE_OPTIONS: WORKER_NODE_OPTIONS,
  };
}

/** Starts `reimage worker`; a worker that dies ends the benchmark with its last log lines. */
async function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const metricsPort = await freePort();
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: { ...env, REIMAGE_METRICS_BIND: `127.0.0.1:${metricsPort}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr!.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000)));
  child.once('exit', (code, signal) => {
    if (child.killed) return;
    process.stderr.write(`The worker exited (code ${code}, signal ${signal}):\n${tail}\n`);
    process.exit(1);
  });
  return child;
}

/** The worker bundles its workflows at start (seconds on a busy machine): wait up to a minute for its poller. */
async function waitForWorker(client: Client): Promise<void> {
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    try {
      return await requireWorker(client, 'reimage-bench');
    } catch (err) {
      if (!(err instanceof NoWorkerError) || Date.now() > giveUpAt) throw err;
    }
  }
}

function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** utime + stime of a process, in seconds (Linux clock ticks are 1/100 s). */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function getJson<T>(url: string, ca: string): Promise<T> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(JSON.parse(body) as T));
      })
      .on('error', reject);
  });
}

/** Starts the dev server, the simulator and a worker; `stop()` ends all three. */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const cliPath = await ensureTemporalBinaryWithDownload('cli', (line) => process.stderr.write(`${line}\n`));
  mkdirSync(path.dirname(BUNDLE), { recursive: true });
  writeFileSync(BUNDLE, (await bundleWorkflows()).code);
  const dev = await startDevServer({ cliPath, fastSqlite: true });
  const { child: simChild, line: sim } = await startSimulator(options);
  const env = workerEnv(dev, sim, options);
  Object.assign(process.env, { TEMPORAL_ADDRESS: dev.address, REIMAGE_TASK_QUEUE: 'reimage-bench' });
  const imageServer = await startDemoImageServer(ensureCa(CA_DIR));
  const worker = await startWorker(env);
  const client = await connectClient(env);
  await waitForWorker(client);
  const ca = readFileSync(sim.caCertPath, 'utf8');
  const sideDoor = <T>(route: string) => getJson<T>(`https://127.0.0.1:${sim.port}/_sim/${route}`, ca);
  const runsOf = async (workflowId: string) => {
    const runs: { runId: string; events: number }[] = [];
    for await (const info of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
      runs.push({ runId: info.runId, events: info.historyLength });
    }
    return runs;
  };
  return {
    client,
    sim,
    sideDoor,
    image: { url: imageServer.url, sha256: imageServer.sha256 },
    workerPeakRssMb: () => peakRssMb(worker.pid),
    cpuSeconds: () => ({
      worker: cpuSecondsOf(worker.pid),
      temporal: cpuSecondsOf(dev.pid),
      simulator: cpuSecondsOf(simChild.pid),
    }),
    runsOf,
    runCampaign: async (file, campaignId) => {
      const image = { url: imageServer.url, type: 'raw', checksum: `sha256:${imageServer.sha256}` };
      const spec = validateCampaignData({
        name: campaignId,
        servers: sim.servers,
        image: { ...image, efiBootloaderPath: '\\efi\\debian\\grubx64.efi' },
        ...file,
      });
      const servers = sim.servers.map((serviceName) => ({ serviceName }));
      const input = campaignInput(spec, campaignId, servers);
      const handle = await client.workflow.start('reimageCampaignWorkflow', {
        taskQueue: input.settings.taskQueue,
        workflowId: campaignWorkflowId(campaignId),
        args: [input],
      });
      return (await handle.result()) as CampaignReport;
    },
    stop: async () => {
      worker.kill('SIGTERM');
      simChild.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
      await client.connection.close();
      await imageServer.close();
      await dev.stop();
    },
  };
}
