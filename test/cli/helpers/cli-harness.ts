/**
 * The shared harness of the `reimage` CLI: a testkit stack (testkit/stack.ts) on the suite's dev server,
 * with a simulator of uniquely named servers (server workflow IDs are per service name and the dev server
 * is shared), the demo image server and a worker in the test process on a task queue of its own; and
 * `runCli`, which spawns `node bin/reimage.js` with an environment pointing at all of them.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { createJsonLogger, type Logger } from '../../../src/observability/logger';
import { campaignProgressQuery } from '../../../src/shared/campaign-messages';
import type { CampaignProgress, CampaignReport } from '../../../src/shared/campaign-report-types';
import { campaignWorkflowId } from '../../../src/shared/workflow-ids';
import type { Simulator, SimulatorOptions } from '../../../src/simulator';
import type { WorkerHandle } from '../../../src/worker';
import { demoCampaignYaml } from '../../../testkit/demo/campaign';
import { withOverrides, type EnvOverrides } from '../../../testkit/env';
import { inProcessSimulator } from '../../../testkit/simulators';
import { startStack, type Stack } from '../../../testkit/stack';
import { inProcessWorker } from '../../../testkit/workers';
import { testCaDir } from '../../helpers/simulator';
import { devServerAddress, uniqueTaskQueue, workflowBundle } from '../../helpers/temporal';
import { waitForValue } from '../../helpers/wait-for';
import { quietRuntime } from '../../helpers/test-logger';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'reimage.js');

/** What one CLI run printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Each server's outcome, failure type and message, without OVH's query ID (it differs on every run). */
export function serverOutcomes(report: CampaignReport) {
  return report.servers.map(({ serviceName, outcome, failureType, message }) => ({
    serviceName,
    outcome,
    failureType,
    message: message?.replace(/ \(OVH query ID [\w.-]+\)/, ''),
  }));
}

/** Spawns `node bin/reimage.js ...args` with `env` (stdin closed: never a TTY); resolves when it exits. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI, expects exit code 0, and parses its stdout as JSON. */
export async function cliJson<T = Record<string, unknown>>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const result = await runCli(args, env);
  if (result.code !== 0) {
    throw new Error(`reimage ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** The environment of a CLI run: the test's own, with `overrides` applied (undefined removes a variable). */
export function cliEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return withOverrides({ ...process.env, REIMAGE_LOG_LEVEL: 'error' }, overrides);
}

/** One simulated server: its name comes from the harness, the rest from the fleet file format. */
export interface FleetServer {
  memoryMb?: number;
  faults?: string[];
  commercialRange?: string;
}

export interface CliStack extends Stack<Simulator, WorkerHandle> {
  /** Service names of the simulated servers, unique to this stack. */
  servers: string[];
  /** Resolves with the campaign's progress once `ready` holds (checked every 200 ms), or fails after 20 s. */
  waitFor(campaignId: string, what: string, ready: (p: CampaignProgress) => boolean): Promise<unknown>;
  /** The campaign's report once its workflow completes; fails after 20 s with the campaign's progress. */
  result(campaignId: string): Promise<CampaignReport>;
  /** Writes `text` to a campaign file in a temporary directory; returns its path. */
  writeCampaign(name: string, text: string): string;
}

/** Starts the simulator (speed: simulated seconds per real second), the image server and a worker
 * (logging errors only, unless `workerLogger` is given, e.g. to capture its lines); `env` adds to the
 * worker's environment (e.g. REIMAGE_HOOK_HOSTS). */
export async function startCliStack(
  fleet: FleetServer[],
  speed: number,
  workerLogger?: Logger,
  env?: EnvOverrides,
  /** Further simulator options, e.g. `readOnlyKey`. */
  simulatorOptions: Pick<SimulatorOptions, 'readOnlyKey' | 'iamActions' | 'legacyByoi'> = {},
): Promise<CliStack> {
  const prefix = randomUUID().slice(0, 8);
  const servers = fleet.map((_, i) => `ns${prefix}-${i + 1}.cli.eu`);
  quietRuntime();
  const stack = await startStack({
    baseEnv: process.env,
    caDir: testCaDir(),
    temporal: { address: devServerAddress() },
    simulator: inProcessSimulator({
      ...simulatorOptions,
      seed: prefix,
      speed,
      fleet: { servers: fleet.map((server, i) => ({ name: servers[i], ...server })) },
    }),
    worker: inProcessWorker({
      logger: workerLogger ?? createJsonLogger('error'),
      workflowBundle: await workflowBundle(),
    }),
    taskQueue: uniqueTaskQueue('cli'),
    ...(env ? { env } : {}),
  });
  const campaign = (campaignId: string) => stack.client.workflow.getHandle(campaignWorkflowId(campaignId));
  const closeStack = stack.close;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reimage-cli-'));
  return Object.assign(stack, {
    servers,
    waitFor: (campaignId: string, what: string, ready: (p: CampaignProgress) => boolean) =>
      waitForValue(() => campaign(campaignId).query(campaignProgressQuery), ready, {
        what: `campaign ${campaignId} to reach "${what}"`,
        everyMs: 200,
      }),
    result: async (campaignId: string) => {
      const handle = campaign(campaignId);
      await waitForValue(
        async () => {
          const status = (await handle.describe()).status.name;
          return { status, progress: status === 'RUNNING' ? await handle.query(campaignProgressQuery) : undefined };
        },
        ({ status }) => status !== 'RUNNING',
        { what: `campaign ${campaignId} to end`, everyMs: 200 },
      );
      return handle.result() as Promise<CampaignReport>;
    },
    writeCampaign(name: string, text: string) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    close: async () => {
      await closeStack();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Campaign settings a test changes on top of the demo campaign (testkit/demo/campaign.ts). */
export interface CampaignOverrides {
  servers: string[];
  rollout?: Record<string, unknown>;
  /** Top-level keys replaced as given (undefined removes one, e.g. `configDrive`). */
  top?: Record<string, unknown>;
}

/** The demo campaign for `stack`'s image, with `overrides`, as YAML text. */
export function campaignYaml(stack: CliStack, name: string, overrides: CampaignOverrides): string {
  const base = parse(
    demoCampaignYaml({ name, servers: overrides.servers, imageUrl: stack.image.url, sha256: stack.image.sha256 }),
  ) as Record<string, unknown>;
  const campaign: Record<string, unknown> = {
    ...base,
    rollout: { ...(base.rollout as object), ...overrides.rollout },
    // The demo's SSH key only: an inline secret, so the CLI insists on REIMAGE_CODEC_KEYS.
    configDrive: { sshKey: (base.configDrive as { sshKey: string }).sshKey },
    // Polled every second: the simulator runs fast, so installs end within a few polls.
    poll: { minInterval: '1s', maxInterval: '1s' },
    ...overrides.top,
  };
  for (const [key, value] of Object.entries(campaign)) if (value === undefined) delete campaign[key];
  return stringify(campaign);
}
