/**
 * Records the histories the replay test (replay.test.ts) runs, so a non-deterministic change to the
 * workflows fails the build. Run after an intended change of workflow behaviour, and commit the JSON:
 *
 *   npx tsx test/workflows/record-histories.ts [--workflows DIR] [--prefix NAME-] [SCENARIO ...]
 *
 * It starts its own dev server, runs the scenarios (all by default) with scripted activities and writes
 * test/fixtures/histories/<prefix><name>.json:
 * - main: a small campaign over the main paths (failure + rollback, pause/resume, skip, set concurrency,
 *   waves with approval) and one stand-alone server: reimage-campaign, reimage-server-failed/-done.
 * - start-cap: 60 servers 60 at a time, more starts at once than the unconfirmed-start cap allows:
 *   start-cap-campaign.
 * - cancel-at-start: a campaign cancelled before its first start is confirmed: cancel-at-start-campaign.
 * - cancel-in-flight: a campaign cancelled while two servers install: cancel-in-flight-campaign.
 * - features: webhook hooks around every server, notifications of every event, a server that waits out its
 *   OVH account's outage, a failure rolled back (afterRollback), and servers started with the install
 *   durations the campaign learned: features-campaign, features-server-outage, features-server-rolled-back,
 *   features-server-learned.
 *
 * `--workflows` records with other workflow code (the src of a released version, from `git archive`, with
 * node_modules linked beside it), so that the histories its workers wrote keep replaying once a change goes
 * behind patched() (README, "Upgrading the worker"):
 *
 *   npx tsx test/workflows/record-histories.ts --workflows /tmp/v1.0.0/src/workflows --prefix before-<patch>- main
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { ensureTemporalBinary } from '../../src/temporal/binaries';
import { startDevServer } from '../../src/temporal/dev-server';
import { reimageCampaignWorkflow, reimageServerWorkflow } from '../../src/workflows';
import {
  approveNextWaveUpdate,
  cancelCampaignSignal,
  pauseCampaignSignal,
  resumeCampaignSignal,
  setConcurrencyUpdate,
  skipServerUpdate,
} from '../../src/shared/campaign-messages';
import { NOTIFY_EVENTS } from '../../src/domain/hooks';
import type { CampaignSettings } from '../../src/shared/campaign-types';
import { campaignWorkflowId, serverWorkflowId } from '../../src/shared/workflow-ids';
import { scriptedActivities, type ScriptedActivities } from './helpers/scripted-activities';
import { testSettings } from './helpers/settings';
import { waitFor } from '../helpers/wait-for';

/** protobufjs' JSON conventions (enum names, 64-bit numbers as strings, bytes as base64), which historyFromJSON reads. */
const JSON_OPTIONS = { longs: String, enums: String, bytes: String, defaults: false } as const;
const OUT_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

interface Recorder {
  client: Client;
  /** A worker on its own task queue, running the workflow code being recorded and scripted activities. */
  worker(taskQueue: string, activities?: ScriptedActivities): Promise<Worker>;
  save(name: string, workflowId: string): Promise<void>;
}

const SCENARIOS: Record<string, (r: Recorder) => Promise<void>> = {
  main: recordMain,
  'start-cap': recordStartCap,
  'cancel-at-start': recordCancelAtStart,
  'cancel-in-flight': recordCancelInFlight,
  features: recordFeatures,
};

function startCampaign(r: Recorder, id: string, names: string[], settings: CampaignSettings) {
  return r.client.workflow.start(reimageCampaignWorkflow, {
    workflowId: campaignWorkflowId(id),
    taskQueue: settings.taskQueue,
    args: [{ campaignId: id, servers: names.map((serviceName) => ({ serviceName })), settings }],
  });
}

async function recordMain(r: Recorder): Promise<void> {
  const taskQueue = 'record-histories';
  const names = ['rec-1.example', 'rec-2.example', 'rec-3.example', 'rec-4.example', 'rec-5.example'];
  const worker = await r.worker(
    taskQueue,
    scriptedActivities({ [names[1]!]: { deploy: 'fail' } }, { installDurationMs: 300 }),
  );
  await worker.runUntil(async () => {
    const settings = testSettings(taskQueue, {
      maxParallel: { count: 1 },
      waves: [{ count: 2 }, { percent: 100 }],
      canaryFailureBudget: 1,
      failureBudget: { count: 1 },
      approval: 'afterCanary',
    });
    const campaign = await startCampaign(r, 'record', names, settings);
    await campaign.signal(pauseCampaignSignal);
    await campaign.signal(resumeCampaignSignal);
    await campaign.executeUpdate(skipServerUpdate, { args: [names[4]!] });
    await campaign.executeUpdate(setConcurrencyUpdate, { args: [2] });
    await campaign.executeUpdate(approveNextWaveUpdate);
    await campaign.result();
    await r.client.workflow.execute(reimageServerWorkflow, {
      workflowId: serverWorkflowId('rec-solo.example'),
      taskQueue,
      args: [{ campaignId: 'manual', serviceName: 'rec-solo.example', attempt: 1, settings }],
    });
  });
  await r.save('reimage-campaign', campaignWorkflowId('record'));
  await r.save('reimage-server-failed', serverWorkflowId(names[1]!));
  await r.save('reimage-server-done', serverWorkflowId('rec-solo.example'));
}

/** 60 free slots against a cap of 50 unconfirmed starts: the cap decides the first admissions. */
async function recordStartCap(r: Recorder): Promise<void> {
  const taskQueue = 'record-start-cap';
  const names = Array.from({ length: 60 }, (_, i) => `rec-cap-${i + 1}.example`);
  const worker = await r.worker(taskQueue);
  await worker.runUntil(async () => {
    const settings = testSettings(taskQueue, { maxParallel: { count: 60 }, qualifyImage: false });
    await (await startCampaign(r, 'record-start-cap', names, settings)).result();
  });
  await r.save('start-cap-campaign', campaignWorkflowId('record-start-cap'));
}

/** The cancel is requested before the first workflow task, which sends the start: it precedes the confirmation. */
async function recordCancelAtStart(r: Recorder): Promise<void> {
  const taskQueue = 'record-cancel-at-start';
  const settings = testSettings(taskQueue, { qualifyImage: false });
  const campaign = await startCampaign(r, 'record-cancel-at-start', ['rec-cancel.example'], settings);
  await campaign.cancel();
  await (await r.worker(taskQueue)).runUntil(campaign.result());
  await r.save('cancel-at-start-campaign', campaignWorkflowId('record-cancel-at-start'));
}

/** Cancelled once both servers are installing, so both starts are confirmed and both roll back. */
async function recordCancelInFlight(r: Recorder): Promise<void> {
  const taskQueue = 'record-cancel-in-flight';
  const names = ['rec-flight-1.example', 'rec-flight-2.example'];
  const activities = scriptedActivities({}, { installDurationMs: 5_000 });
  await (
    await r.worker(taskQueue, activities)
  ).runUntil(async () => {
    const settings = testSettings(taskQueue, { maxParallel: { count: 2 } });
    const campaign = await startCampaign(r, 'record-cancel-in-flight', names, settings);
    await waitFor(() => names.every((name) => activities.calls[name]?.includes('wait')), {
      what: 'both servers installing',
    });
    await campaign.signal(cancelCampaignSignal);
    await campaign.result();
  });
  await r.save('cancel-in-flight-campaign', campaignWorkflowId('record-cancel-in-flight'));
}

/** Hooks and notifications (scripted: answered 200), an account outage, a rollback, learned durations. */
async function recordFeatures(r: Recorder): Promise<void> {
  const taskQueue = 'record-features';
  const names = Array.from({ length: 6 }, (_, i) => `rec-feat-${i + 1}.example`);
  const [outage, failed, , , , learned] = names as [string, string, string, string, string, string];
  const activities = scriptedActivities(
    { [outage]: { accountOutages: 1 }, [failed]: { deploy: 'fail' } },
    { installDurationMs: 300 },
  );
  const webhook = (path: string) => ({
    kind: 'webhook' as const,
    url: `https://hooks.example.test${path}`,
    timeoutMs: 5000,
  });
  await (
    await r.worker(taskQueue, activities)
  ).runUntil(async () => {
    const settings = testSettings(taskQueue, {
      maxParallel: { count: 1 },
      failureBudget: { count: 1 },
      poll: { ...testSettings(taskQueue).poll, accountRetryMs: 200 },
      hooks: { beforeWipe: webhook('/lb'), afterBoot: webhook('/boot'), afterRollback: webhook('/tickets') },
      notify: [
        {
          webhook: { url: 'https://hooks.example.test/events', format: 'generic', timeoutMs: 5000 },
          events: [...NOTIFY_EVENTS],
        },
      ],
    });
    await (await startCampaign(r, 'record-features', names, settings)).result();
  });
  await r.save('features-campaign', campaignWorkflowId('record-features'));
  await r.save('features-server-outage', serverWorkflowId(outage));
  await r.save('features-server-rolled-back', serverWorkflowId(failed));
  await r.save('features-server-learned', serverWorkflowId(learned));
}

async function record(options: { workflows: string; prefix: string; scenarios: string[] }): Promise<void> {
  const server = await startDevServer({ cliPath: ensureTemporalBinary('cli', process.env), fastSqlite: true });
  try {
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const workerConnection = await NativeConnection.connect({ address: server.address });
    const workflowBundle: WorkflowBundle = await bundleWorkflowCode({ workflowsPath: options.workflows });
    const recorder: Recorder = {
      client,
      worker: (taskQueue, activities = scriptedActivities({}, { installDurationMs: 300 })) =>
        Worker.create({ connection: workerConnection, taskQueue, workflowBundle, activities }),
      save: async (name, workflowId) => {
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        const json = temporal.api.history.v1.History.toObject(
          temporal.api.history.v1.History.fromObject(history),
          JSON_OPTIONS,
        );
        writeFileSync(path.join(OUT_DIR, `${options.prefix}${name}.json`), JSON.stringify(json, null, 1));
      },
    };
    for (const name of options.scenarios) await SCENARIOS[name]!(recorder);
    await workerConnection.close();
    await connection.close();
  } finally {
    await server.stop();
  }
}

function parseOptions(): { workflows: string; prefix: string; scenarios: string[] } {
  const { values, positionals } = parseArgs({
    options: { workflows: { type: 'string' }, prefix: { type: 'string', default: '' } },
    allowPositionals: true,
  });
  const unknown = positionals.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) {
    throw new Error(`Unknown scenario ${unknown.join(', ')}: choose from ${Object.keys(SCENARIOS).join(', ')}.`);
  }
  return {
    workflows: require.resolve(path.resolve(values.workflows ?? path.join(__dirname, '../../src/workflows'))),
    prefix: values.prefix ?? '',
    scenarios: positionals.length > 0 ? positionals : Object.keys(SCENARIOS),
  };
}

Promise.resolve()
  .then(() => record(parseOptions()))
  .then(
    () => process.stdout.write(`Histories written to ${OUT_DIR}\n`),
    (err: unknown) => {
      process.stderr.write(`Recording failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
