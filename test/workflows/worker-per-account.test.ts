/**
 * One worker per OVH account: two `reimage worker` processes share one accounts file, each holding one
 * account (REIMAGE_WORKER_ACCOUNTS) with only that account's credentials in its environment. A plan and a
 * campaign across both accounts run each server on its account's worker: each worker polls the campaign
 * queue and its own account's queue, and each account's API sees only its own servers.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowPollers } from '../../src/cli/plan-runner';
import type { PlanInput } from '../../src/shared/plan-types';
import { accountTaskQueue } from '../../src/shared/task-queues';
import type { Simulator } from '../../src/simulator';
import { planCampaignWorkflow } from '../../src/workflows';
import { startWorkerProcess, type WorkerProcess } from '../../testkit/worker-process';
import { devServerPerFile, workflowBundle } from '../helpers/temporal';
import { startCampaign } from './helpers/campaign-driver';
import { simSettings } from './helpers/simulated-ovh';
import { accountSimulator, caCredentials, euCredentials, twoAccountsFile } from './helpers/two-accounts';

/** Simulated seconds per real second: an 11-minute install takes about 2 s. */
const SPEED = 300;
const prefix = randomUUID().slice(0, 8);
const EU = [1, 2].map((i) => `ns${prefix}-eu${i}.test`);
const CA = [1, 2].map((i) => `ns${prefix}-ca${i}.test`);
const baseQueue = `per-account-${prefix}`;

let env: TestWorkflowEnvironment;
devServerPerFile((ready) => (env = ready));

let eu: Simulator;
let ca: Simulator;
const workers: Record<string, WorkerProcess> = {};

/** The test runner's environment without OVH_* credentials: with an accounts file, a worker refuses them. */
function baseEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OVH_')));
}

beforeAll(async () => {
  eu = await accountSimulator('eu', EU, SPEED);
  ca = await accountSimulator('ca', CA, SPEED, eu.sshPort);
  const bundle = path.join(mkdtempSync(path.join(os.tmpdir(), 'reimage-bundle-')), 'workflow-bundle.js');
  writeFileSync(bundle, (await workflowBundle()).code);
  const shared = {
    ...baseEnvironment(),
    REIMAGE_TASK_QUEUE: baseQueue,
    REIMAGE_LOG_LEVEL: 'error',
    REIMAGE_OVH_ACCOUNTS: twoAccountsFile(eu, ca),
    REIMAGE_SIMULATOR_SSH_PORT: String(eu.sshPort),
    REIMAGE_WORKFLOW_BUNDLE: bundle,
  };
  const [euWorker, caWorker] = await Promise.all([
    startWorkerProcess({ ...shared, REIMAGE_WORKER_ACCOUNTS: 'eu-prod', ...euCredentials(eu) }, env.client, baseQueue),
    startWorkerProcess({ ...shared, REIMAGE_WORKER_ACCOUNTS: 'ca-prod', ...caCredentials(ca) }, env.client, baseQueue),
  ]);
  Object.assign(workers, { 'eu-prod': euWorker, 'ca-prod': caWorker });
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(workers).map((worker) => worker.kill('SIGTERM')));
  await Promise.all([eu?.close(), ca?.close()]);
});

const settings = () => simSettings(baseQueue, SPEED, { maxParallel: { count: 4 }, failureBudget: { count: 0 } });

it("runs each account's servers on the worker that holds the account, and each API sees only its own servers", async () => {
  const input: PlanInput = {
    campaignId: `plan-${prefix}`,
    settings: settings(),
    preflight: false,
    selection: { kind: 'list', serviceNames: [...CA, ...EU] },
    exclude: [],
    needPlacement: false,
  };
  const planned = await env.client.workflow.execute(planCampaignWorkflow, {
    workflowId: input.campaignId,
    taskQueue: baseQueue,
    args: [input],
  });
  const tagged = (account: string) => (serviceName: string) => ({ serviceName, account });
  expect(planned.servers).toMatchObject([...CA.map(tagged('ca-prod')), ...EU.map(tagged('eu-prod'))]);

  const handle = await startCampaign(env, `per-account-${prefix}`, planned.servers, settings());
  const report = await handle.result();
  expect(report.totals).toMatchObject({ byOutcome: { done: 4 }, failures: 0 });
  expect(report.servers.map((row) => [row.serviceName, row.account])).toEqual(
    planned.servers.map((server) => [server.serviceName, server.account]),
  );

  for (const [account, worker] of Object.entries(workers)) {
    const pollers = await workflowPollers(env.client, accountTaskQueue(baseQueue, account));
    expect({ account, pollers: [...new Set(pollers.map((identity) => identity.split('@')[0]))] }).toEqual({
      account,
      pollers: [String(worker.pid)],
    });
    expect((await workflowPollers(env.client, baseQueue)).some((id) => id.startsWith(`${worker.pid}@`))).toBe(true);
  }
  // Calls about one server (not the account's server list) that name none of the account's own servers.
  const callsAboutOthers = (sim: Simulator, names: string[]) =>
    sim.state
      .requests()
      .filter((entry) => !names.some((name) => entry.path.includes(name)) && /\/dedicated\/server\/./.test(entry.path));
  expect(callsAboutOthers(eu, EU)).toEqual([]);
  expect(callsAboutOthers(ca, CA)).toEqual([]);
  expect([
    ...EU.map((name) => eu.state.server(name)?.installPosts),
    ...CA.map((name) => ca.state.server(name)?.installPosts),
  ]).toEqual([1, 1, 1, 1]);
  expect(Object.values(workers).map((worker) => worker.running())).toEqual([true, true]);
});
