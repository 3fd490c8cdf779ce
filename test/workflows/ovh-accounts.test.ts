/**
 * Two OVH accounts on one worker (`reimage worker`'s createWorker with an accounts file), each a simulator
 * of its own (endpoint, CA and credentials: application keys for one, OAuth2 for the other), on the dev
 * server: servers resolve to their account, run on its task queue with its client, and an account whose API
 * goes down makes its servers wait, not fail, until it answers again on the same port.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { serverListProblems, workflowPollers } from '../../src/cli/plan-runner';
import { campaignProgressQuery, serverProgressQuery } from '../../src/shared/campaign-messages';
import type { CampaignSettings, ServerTarget } from '../../src/shared/campaign-types';
import type { CampaignPlan, PlanInput } from '../../src/shared/plan-types';
import { accountAttribute } from '../../src/shared/search-attributes';
import { accountTaskQueue } from '../../src/shared/task-queues';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import type { Simulator } from '../../src/simulator';
import { createWorker, type WorkerHandle } from '../../src/worker';
import { planCampaignWorkflow } from '../../src/workflows';
import { waitForValue } from '../helpers/wait-for';
import { devServerPerFile, workflowBundle } from '../helpers/temporal';
import { startCampaign, waitForProgress } from './helpers/campaign-driver';
import { simSettings } from './helpers/simulated-ovh';
import { accountSimulator, caCredentials, euCredentials, twoAccountsFile } from './helpers/two-accounts';

/** Simulated seconds per real second: an 11-minute install takes about 2 s. */
const SPEED = 300;
const prefix = randomUUID().slice(0, 8);
const names = (region: string) => [1, 2, 3].map((i) => `ns${prefix}-${region}${i}.test`);
const EU = names('eu');
const CA = names('ca');
/** A name both accounts list (two machines behind one name would share one workflow ID). */
const TWIN = `ns${prefix}-twin.test`;
const baseQueue = `accounts-${prefix}`;

let env: TestWorkflowEnvironment;
devServerPerFile((ready) => (env = ready));

let eu: Simulator;
let ca: Simulator;
let worker: WorkerHandle;
let running: Promise<void>;

beforeAll(async () => {
  eu = await accountSimulator('eu', [...EU, TWIN], SPEED);
  ca = await accountSimulator('ca', [...CA, TWIN], SPEED, eu.sshPort);
  worker = await createWorker({
    env: {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      REIMAGE_TASK_QUEUE: baseQueue,
      REIMAGE_LOG_LEVEL: 'error',
      REIMAGE_OVH_ACCOUNTS: twoAccountsFile(eu, ca),
      REIMAGE_SIMULATOR_SSH_PORT: String(eu.sshPort),
      ...euCredentials(eu),
      ...caCredentials(ca),
    },
    workflowBundle: await workflowBundle(),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([eu?.close(), ca?.close()]);
});

function plan(serviceNames: string[], accounts?: string[]): Promise<CampaignPlan> {
  const input: PlanInput = {
    campaignId: `plan-${randomUUID().slice(0, 8)}`,
    settings: settings(),
    preflight: false,
    selection: { kind: 'list', serviceNames },
    exclude: [],
    needPlacement: false,
    ...(accounts ? { accounts } : {}),
  };
  return env.client.workflow.execute(planCampaignWorkflow, {
    workflowId: input.campaignId,
    taskQueue: baseQueue,
    args: [input],
  });
}

function settings(overrides: Partial<CampaignSettings> = {}): CampaignSettings {
  const scaled = (ms: number) => Math.max(2, Math.round(ms / SPEED));
  return simSettings(baseQueue, SPEED, {
    maxParallel: { count: 6 },
    poll: { minMs: scaled(15_000), maxMs: scaled(120_000), accountRetryMs: 300 },
    ...overrides,
  });
}

const tagged = (account: string) => (serviceName: string) => ({ serviceName, account });

describe('a worker with two OVH accounts', () => {
  it('resolves each server to its account, refuses a name both accounts have, and keeps to the accounts a campaign names', async () => {
    const unknown = `ns${prefix}-nowhere.test`;
    const everywhere = await plan([CA[0]!, EU[0]!, TWIN, unknown]);
    expect(everywhere).toMatchObject({
      servers: [tagged('ca-prod')(CA[0]!), tagged('eu-prod')(EU[0]!)],
      unknown: [unknown],
      ambiguous: [{ serviceName: TWIN, accounts: ['eu-prod', 'ca-prod'] }],
    });
    expect(serverListProblems(everywhere)).toEqual([
      `${unknown}: no OVH account of the worker has such a server`,
      `${TWIN}: found in several OVH accounts (eu-prod and ca-prod); restrict the campaign with "accounts:" to the right one`,
    ]);
    const caOnly = await plan([CA[0]!, EU[0]!, TWIN], ['ca-prod']);
    expect(caOnly).toMatchObject({ servers: [tagged('ca-prod')(CA[0]!), tagged('ca-prod')(TWIN)], unknown: [EU[0]] });
    expect(caOnly.ambiguous).toEqual([]);
    await expect(plan([EU[0]!], ['us-prod'])).rejects.toMatchObject({
      cause: {
        cause: {
          type: 'ConfigurationError',
          message:
            "The campaign's accounts list names \"us-prod\", which the worker does not know (its OVH accounts: eu-prod, ca-prod); fix the campaign's accounts, or add the account to the worker's accounts file.",
        },
      },
    });
  });

  it("runs each server on its account's task queue and client, and an unreachable account's servers wait instead of failing", async () => {
    const planned = await plan([...EU, ...CA]);
    const servers: ServerTarget[] = planned.servers;
    expect(servers).toEqual([...EU.map(tagged('eu-prod')), ...CA.map(tagged('ca-prod'))]);
    const campaignId = `accounts-${randomUUID().slice(0, 8)}`;
    const handle = await startCampaign(env, campaignId, servers, settings({ failureBudget: { count: 0 } }));

    // Canada goes down once its installs are posted: its servers are mid-install when the API stops answering.
    await waitForValue(
      () => CA.map((name) => ca.state.server(name)?.installPosts),
      (posts) => posts.every((n) => n === 1),
      { what: 'every Canadian server posted its install' },
    );
    await ca.stopListening();
    const outage = await waitForProgress(
      handle,
      (p) => p.unreachableAccounts?.[0]?.waiting === 3 && (p.totals.byOutcome.done ?? 0) === 3,
      'the European servers done and the three Canadian ones waiting',
    );
    expect(outage.unreachableAccounts).toEqual([{ account: 'ca-prod', sinceMs: expect.any(Number), waiting: 3 }]);
    expect(outage.totals.failures).toBe(0);
    const since = new Date(outage.unreachableAccounts![0]!.sinceMs).toISOString();
    const rows = Object.fromEntries(outage.servers.map((row) => [row.serviceName, row]));
    expect(CA.map((name) => rows[name])).toEqual(
      CA.map((serviceName) => ({
        serviceName,
        account: 'ca-prod',
        state: 'running',
        attempts: 1,
        waiting: `account ca-prod unreachable since ${since}`,
      })),
    );
    const own = await env.client.workflow.getHandle(serverWorkflowId(CA[0]!)).query(serverProgressQuery);
    expect(own.waiting).toMatch(/^account ca-prod unreachable since \d{4}-\d\d-\d\dT/);

    await ca.listenAgain();
    const report = await handle.result();
    expect(report.finalState).toBe('done');
    expect(report.totals).toMatchObject({ byOutcome: { done: 6 }, failures: 0 });
    expect(report.servers.map((row) => [row.serviceName, row.account])).toEqual(
      servers.map((s) => [s.serviceName, s.account]),
    );
    // One install each, on its own account's API only: the outage repeated nothing.
    expect(EU.map((name) => eu.state.server(name)?.installPosts)).toEqual([1, 1, 1]);
    expect(CA.map((name) => ca.state.server(name)?.installPosts)).toEqual([1, 1, 1]);
    const paths = (sim: Simulator) => sim.state.requests().map((entry) => entry.path);
    expect(paths(eu).filter((p) => CA.some((name) => p.includes(name)))).toEqual([]);
    expect(paths(ca).filter((p) => EU.some((name) => p.includes(name)))).toEqual([]);

    const child = await env.client.workflow.getHandle(serverWorkflowId(CA[1]!)).describe();
    expect(child.taskQueue).toBe(accountTaskQueue(baseQueue, 'ca-prod'));
    expect(child.typedSearchAttributes.get(accountAttribute)).toBe('ca-prod');
    for (const account of ['eu-prod', 'ca-prod']) {
      expect((await workflowPollers(env.client, accountTaskQueue(baseQueue, account))).length).toBeGreaterThan(0);
    }
    const final = await handle.query(campaignProgressQuery);
    expect(final.unreachableAccounts).toBeUndefined();
  });
});
