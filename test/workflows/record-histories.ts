/**
 * Records the histories the replay test (replay.test.ts) runs, so a non-deterministic change to the
 * workflows fails the build. Run after an intended change of workflow behaviour, and commit the JSON:
 *
 *   npx tsx test/workflows/record-histories.ts
 *
 * It starts its own dev server, runs a small campaign that exercises the main paths (failure + rollback,
 * pause/resume, skip, set concurrency, waves with approval) plus one stand-alone server, and writes
 * test/fixtures/histories/<name>.json.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** protobufjs' JSON conventions (enum names, 64-bit numbers as strings, bytes as base64), which historyFromJSON reads. */
const JSON_OPTIONS = { longs: String, enums: String, bytes: String, defaults: false } as const;
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { ensureTemporalBinary } from '../../src/temporal/binaries';
import { startDevServer } from '../../src/temporal/dev-server';
import { reimageCampaignWorkflow, reimageServerWorkflow } from '../../src/workflows';
import {
  approveNextWaveUpdate,
  pauseCampaignSignal,
  resumeCampaignSignal,
  setConcurrencyUpdate,
  skipServerUpdate,
} from '../../src/shared/campaign-messages';
import { campaignWorkflowId, serverWorkflowId } from '../../src/shared/workflow-ids';
import { scriptedActivities } from './helpers/scripted-activities';
import { testSettings } from './helpers/settings';

const OUT_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

async function main(): Promise<void> {
  const server = await startDevServer({ cliPath: ensureTemporalBinary('cli', () => undefined), fastSqlite: true });
  try {
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const taskQueue = 'record-histories';
    const names = ['rec-1.example', 'rec-2.example', 'rec-3.example', 'rec-4.example', 'rec-5.example'];
    const activities = scriptedActivities({ [names[1]!]: { deploy: 'fail' } }, { installMs: 300 });
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue,
      workflowBundle,
      activities,
    });
    await worker.runUntil(async () => {
      const settings = testSettings(taskQueue, {
        maxParallel: { count: 1 },
        waves: [{ count: 2 }, { percent: 100 }],
        canaryFailureBudget: 1,
        failureBudget: { count: 1 },
        approval: 'afterCanary',
      });
      const campaign = await client.workflow.start(reimageCampaignWorkflow, {
        workflowId: campaignWorkflowId('record'),
        taskQueue,
        args: [{ campaignId: 'record', servers: names.map((serviceName) => ({ serviceName })), settings }],
      });
      await campaign.signal(pauseCampaignSignal);
      await campaign.signal(resumeCampaignSignal);
      await campaign.executeUpdate(skipServerUpdate, { args: [names[4]!] });
      await campaign.executeUpdate(setConcurrencyUpdate, { args: [2] });
      await campaign.executeUpdate(approveNextWaveUpdate);
      await campaign.result();
      await client.workflow.execute(reimageServerWorkflow, {
        workflowId: serverWorkflowId('rec-solo.example'),
        taskQueue,
        args: [{ campaignId: 'manual', serviceName: 'rec-solo.example', attempt: 1, settings }],
      });
      const save = async (name: string, workflowId: string) => {
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        writeFileSync(
          path.join(OUT_DIR, `${name}.json`),
          JSON.stringify(
            temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), JSON_OPTIONS),
            null,
            1,
          ),
        );
      };
      await save('reimage-campaign', campaignWorkflowId('record'));
      await save('reimage-server-failed', serverWorkflowId(names[1]!));
      await save('reimage-server-done', serverWorkflowId('rec-solo.example'));
    });
    await connection.close();
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.stdout.write(`Histories written to ${OUT_DIR}\n`),
  (err: unknown) => {
    process.stderr.write(`Recording failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
