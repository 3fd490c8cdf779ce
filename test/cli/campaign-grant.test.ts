/**
 * A campaign file reads only the worker variables its operator grants, even when the campaign is started
 * by a workflow client directly (no CLI, so no file check): the real worker (createWorker, its environment
 * holding the simulator's OVH credentials) refuses in the activity, before any request carrying the secret.
 * Requests are counted at the image host (an "attacker" origin) and at the simulator.
 */
import { parseCampaign } from '../../src/campaign/loader';
import { campaignInput } from '../../src/cli/plan-runner';
import type { CampaignInput, CampaignReport } from '../../src/shared/campaign-report-types';
import { campaignWorkflowId } from '../../src/shared/workflow-ids';
import { startRecordingOrigin, type RecordingOrigin } from '../activities/helpers/recording-origin';
import { serverCalls } from '../helpers/server-calls';
import { campaignYaml, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

let stack: CliStack;
let attacker: RecordingOrigin;

beforeAll(async () => {
  stack = await startCliStack([{}, {}], 3000, undefined, { REIMAGE_CAMPAIGN_VARS: undefined });
  attacker = await startRecordingOrigin('https', () => ({ status: 200, body: Buffer.from('nothing') }));
}, 60_000);
afterAll(() => Promise.all([stack?.close(), attacker?.close()]));

const FIX =
  'set the value on the worker as REIMAGE_VAR_<NAME> (or list a variable of yours in REIMAGE_CAMPAIGN_VARS) and refer to that';

/** The input `reimage start` would send for a clean campaign on `server`, changed by `change` as a client could. */
function inputFor(id: string, server: string, change: (input: CampaignInput) => void): CampaignInput {
  const yaml = campaignYaml(stack, id, { servers: [server], top: { configDrive: undefined } });
  const input = campaignInput(
    parseCampaign(yaml, { format: 'yaml' }),
    id,
    [{ serviceName: server }],
    stack.config.taskQueue,
  );
  change(input);
  return input;
}

async function runDirectly(id: string, input: CampaignInput): Promise<CampaignReport> {
  await stack.client.workflow.start('reimageCampaignWorkflow', {
    taskQueue: stack.config.taskQueue,
    workflowId: campaignWorkflowId(id),
    args: [input],
  });
  return stack.result(id);
}

it("halts before any request when the image header reads the worker's OVH secret", async () => {
  const [server] = stack.servers as [string];
  const input = inputFor('grant-header', server, ({ settings }) => {
    settings.image = {
      ...settings.image,
      url: attacker.url('/x.raw'),
      httpHeaders: { 'X-Trace': '${OVH_APPLICATION_SECRET}' },
    };
  });
  const report = await runDirectly('grant-header', input);
  expect(report).toMatchObject({
    finalState: 'halted',
    reason: `The worker cannot resolve the campaign's environment references; nothing was started:\nimage.httpHeaders.X-Trace refers to \${OVH_APPLICATION_SECRET}, which this worker does not give to campaigns: OVH_* variables are the worker's own configuration, never given to a campaign; ${FIX}.`,
  });
  expect(attacker.requests).toEqual([]);
  expect(serverCalls(stack.sim, server)).toEqual([]);
}, 30_000);

it('halts before any request when its config drive reads a variable not granted, with the image check off', async () => {
  const [, server] = stack.servers as [string, string];
  const input = inputFor('grant-drive', server, ({ settings }) => {
    settings.qualifyImage = false;
    settings.configDrive = { metadata: { vault: '${OVH_CONSUMER_KEY}' } };
  });
  const report = await runDirectly('grant-drive', input);
  expect(report).toMatchObject({
    finalState: 'halted',
    reason: `The worker cannot resolve the campaign's environment references; nothing was started:\nconfigDrive.metadata.vault refers to \${OVH_CONSUMER_KEY}, which this worker does not give to campaigns: OVH_* variables are the worker's own configuration, never given to a campaign; ${FIX}.`,
    totals: { notStarted: 1 },
  });
  expect(serverCalls(stack.sim, server)).toEqual([]);
}, 30_000);

it('refuses, at `reimage plan`, an image header that reads a variable the worker does not grant, sending nothing', async () => {
  const [server] = stack.servers as [string];
  const yaml = campaignYaml(stack, 'grant-plan', { servers: [server], top: { configDrive: undefined } })
    .replace(stack.image.url, attacker.url('/x.raw'))
    .replace(/^image:\n/m, `image:\n  httpHeaders:\n    X-Trace: "\${WORKER_ONLY_TOKEN}"\n`);
  const result = await runCli(['plan', stack.writeCampaign('grant-plan.yaml', yaml)], {
    ...stack.env,
    WORKER_ONLY_TOKEN: 'never-sent',
  });
  expect({ code: result.code, stderr: result.stderr }).toEqual({
    code: 3,
    stderr: `The worker cannot resolve the campaign's environment references; nothing was started:\nimage.httpHeaders.X-Trace refers to \${WORKER_ONLY_TOKEN}, which this worker does not give to campaigns: the worker gives a campaign only REIMAGE_VAR_* variables and those REIMAGE_CAMPAIGN_VARS lists; ${FIX}.\n`,
  });
  expect(attacker.requests).toEqual([]);
}, 30_000);
