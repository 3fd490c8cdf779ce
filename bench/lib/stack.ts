/**
 * The stack a workflow benchmark runs on (testkit/stack.ts), each part in its own process as in
 * production: a Temporal dev server (in-memory SQLite), the OVH simulator (`reimage simulator`) and one
 * worker (`reimage worker` on a bundle built ahead, whose peak RSS is read from /proc). Campaigns are built
 * from a campaign file object through the same validation and input builder as `reimage start`.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { validateCampaignData } from '../../src/campaign/loader';
import { campaignInput } from '../../src/cli/plan-runner';
import type { CampaignReport } from '../../src/shared/campaign-report-types';
import { campaignWorkflowId } from '../../src/shared/workflow-ids';
import { PROJECT_ROOT } from '../../src/temporal/binaries';
import { simulatorProcess, type SimulatorProcess } from '../../testkit/simulators';
import { startStack, type Stack } from '../../testkit/stack';
import { workerProcess, type WorkerSupervisor } from '../../testkit/workers';

const CA_DIR = path.join(PROJECT_ROOT, '.data', 'bench-ca');

export interface BenchStackOptions {
  /**
   * The environment the stack's processes inherit: the benchmark script's, where BENCH_WORKER_HEAP_MB may
   * set another heap cap for the worker than the Dockerfile's 256 MB.
   */
  baseEnv: NodeJS.ProcessEnv;
  servers: number;
  /** Simulated seconds per real second. */
  speed: number;
  seed: string;
  /**
   * The worker follows the simulator's clock (REIMAGE_SIMULATOR_SPEED, as a rehearsal runs it): its polls,
   * deadlines and learned durations in simulated time. Default: the worker on real time.
   */
  simulatedTime?: boolean;
}

export interface BenchStack extends Stack<SimulatorProcess, WorkerSupervisor> {
  /** GET on the simulator's side door (`/_sim/...`). */
  sideDoor<T>(route: string): Promise<T>;
  /** Peak resident set of the worker process so far, in MiB (VmHWM). */
  workerPeakRssMb(): number;
  /** CPU seconds (user + system) each process has used so far: robust to other load on the machine. */
  cpuSeconds(): { worker: number; temporal: number; simulator: number };
  /** Runs a campaign from a campaign-file object (name, servers and image filled in) and returns its report. */
  runCampaign(file: Record<string, unknown>, campaignId: string): Promise<CampaignReport>;
  /** Every run of a workflow ID with its history length. */
  runsOf(workflowId: string): Promise<{ runId: string; events: number }[]>;
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

/** A worker that dies ends the benchmark with its last log lines: its campaign would never end. */
function exitWhenWorkerDies(stack: Stack<SimulatorProcess, WorkerSupervisor>, stopping: () => boolean): void {
  const worker = stack.worker.current()!;
  void worker.exited.then((how) => {
    if (stopping()) return;
    process.stderr.write(`The worker exited (${how}):\n${worker.stderrTail()}\n`);
    process.exit(1);
  });
}

/** Starts the dev server, the simulator and a worker; `close()` ends all three. */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const stack = await startStack({
    baseEnv: options.baseEnv,
    caDir: CA_DIR,
    temporal: {},
    simulator: simulatorProcess({ servers: options.servers, speed: options.speed, seed: options.seed }),
    // The heap cap the Dockerfile sets (ENV NODE_OPTIONS): without it V8 grows the heap lazily to ~600 MB.
    worker: workerProcess({ nodeOptions: `--max-old-space-size=${options.baseEnv.BENCH_WORKER_HEAP_MB ?? '256'}` }),
    taskQueue: 'reimage-bench',
    // Payloads in clear, as the benchmarks have always measured the worker.
    env: {
      REIMAGE_CODEC_KEYS: undefined,
      ...(options.simulatedTime ? { REIMAGE_SIMULATOR_SPEED: String(options.speed) } : {}),
    },
  });
  let stopping = false;
  exitWhenWorkerDies(stack, () => stopping);
  const { sim, client, worker, temporal } = stack;
  const ca = readFileSync(sim.caCertPath, 'utf8');
  const closeStack = stack.close;
  return Object.assign(stack, {
    sideDoor: <T>(route: string) => getJson<T>(`https://127.0.0.1:${sim.port}/_sim/${route}`, ca),
    workerPeakRssMb: () => peakRssMb(worker.current()?.pid),
    cpuSeconds: () => ({
      worker: cpuSecondsOf(worker.current()?.pid),
      temporal: cpuSecondsOf(temporal.pid()),
      simulator: cpuSecondsOf(sim.pid),
    }),
    runsOf: async (workflowId: string) => {
      const runs: { runId: string; events: number }[] = [];
      for await (const info of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
        runs.push({ runId: info.runId, events: info.historyLength });
      }
      return runs;
    },
    runCampaign: async (file: Record<string, unknown>, campaignId: string) => {
      const image = { url: stack.image.url, type: 'raw', checksum: `sha256:${stack.image.sha256}` };
      const spec = validateCampaignData({
        name: campaignId,
        servers: sim.servers,
        image: { ...image, efiBootloaderPath: '\\efi\\debian\\grubx64.efi' },
        ...file,
      });
      const servers = sim.servers.map((serviceName) => ({ serviceName }));
      const input = campaignInput(spec, campaignId, servers, stack.config.taskQueue);
      const handle = await client.workflow.start('reimageCampaignWorkflow', {
        taskQueue: input.settings.taskQueue,
        workflowId: campaignWorkflowId(campaignId),
        args: [input],
      });
      return (await handle.result()) as CampaignReport;
    },
    close: async () => {
      stopping = true;
      await closeStack();
    },
  });
}
