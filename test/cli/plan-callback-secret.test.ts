/**
 * A campaign with completion.callback against a worker without REIMAGE_CALLBACK_SECRET: `reimage plan` and
 * `reimage start` refuse it, and a campaign started without them halts before its first server, with one
 * message naming the worker setting and the fix. The worker never says more of the secret than whether it
 * holds one.
 */
import { parseCampaign } from '../../src/campaign/loader';
import { campaignInput } from '../../src/cli/plan-runner';
import { campaignWorkflowId } from '../../src/shared/workflow-ids';
import { serverCalls } from '../helpers/server-calls';
import { campaignYaml, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

const MISSING =
  'The campaign sets completion.callback, but REIMAGE_CALLBACK_SECRET is not set on this worker; set the same secret (openssl rand -base64 32) on every worker and on reimage callback-server, or drop completion.callback.';
/** Loopback: the worker refuses the campaign before the plan would try the URL. */
const completion = { callback: 'http://127.0.0.1:9/phone-home' };

let stack: CliStack;

beforeAll(async () => {
  stack = await startCliStack([{}, {}], 3000, undefined, { REIMAGE_CALLBACK_SECRET: undefined });
}, 60_000);
afterAll(() => stack?.close());

function campaignFile(name: string, server: string): string {
  return stack.writeCampaign(`${name}.yaml`, campaignYaml(stack, name, { servers: [server], top: { completion } }));
}

it('refuses, at `reimage plan`, a callback campaign the worker cannot sign tokens for, before any OVH call', async () => {
  const callsBefore = stack.sim.state.counters().total;
  const result = await runCli(['plan', campaignFile('no-secret-plan', stack.servers[0]!)], stack.env);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 3, stderr: `${MISSING}\n` });
  expect(stack.sim.state.counters().total).toBe(callsBefore);
});

it('refuses, at `reimage start`, a callback campaign the worker cannot sign tokens for, starting nothing', async () => {
  const result = await runCli(
    ['start', campaignFile('no-secret-start', stack.servers[0]!), '--id', 'no-secret-start', '--yes'],
    stack.env,
  );
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 3, stderr: `${MISSING}\n` });
  const started = stack.client.workflow.getHandle(campaignWorkflowId('no-secret-start')).describe();
  await expect(started).rejects.toMatchObject({ name: 'WorkflowNotFoundError' });
});

it('halts a callback campaign started without the CLI before its first server, with one message', async () => {
  const [, server] = stack.servers as [string, string];
  const yaml = campaignYaml(stack, 'no-secret-direct', { servers: [server], top: { completion } });
  const input = campaignInput(
    parseCampaign(yaml, { format: 'yaml' }),
    'no-secret-direct',
    [{ serviceName: server }],
    stack.config.taskQueue,
  );
  await stack.client.workflow.start('reimageCampaignWorkflow', {
    taskQueue: stack.config.taskQueue,
    workflowId: campaignWorkflowId('no-secret-direct'),
    args: [input],
  });
  const report = await stack.result('no-secret-direct');
  expect(report).toMatchObject({ finalState: 'halted', reason: MISSING, totals: { notStarted: 1, failures: 0 } });
  expect(serverCalls(stack.sim, server)).toEqual([]);
}, 30_000);
