/**
 * `reimage worker` as its own process (testkit/worker-process.ts starts it as the drills and benchmarks
 * do): it serves a plan for the CLI, exposes Prometheus metrics (the SDK's plus reimage's OVH call
 * counter) on REIMAGE_METRICS_BIND, and stops cleanly on SIGTERM.
 */
import { startWorkerProcess, type WorkerProcess } from '../../testkit/worker-process';
import { uniqueTaskQueue } from '../helpers/temporal';
import { waitForValue } from '../helpers/wait-for';
import { campaignYaml, cliJson, startCliStack, type CliStack } from './helpers/cli-harness';

let stack: CliStack;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  stack = await startCliStack([{}, {}], 3000);
});
afterAll(async () => {
  await worker?.kill('SIGKILL');
  await stack?.close();
});

/** The metrics page once it answers 200 (the server may not be listening yet). */
function scrape(url: string): Promise<string> {
  return waitForValue(
    async () => {
      const response = await fetch(url);
      return response.ok ? await response.text() : undefined;
    },
    (text): text is string => text !== undefined,
    { what: `${url} to answer 200`, timeoutMs: 5_000, everyMs: 200, ignoreErrors: true },
  );
}

it('serves plans, exports its metrics and exits 0 on SIGTERM', async () => {
  const taskQueue = uniqueTaskQueue('worker-process');
  const env = { ...stack.env, REIMAGE_TASK_QUEUE: taskQueue };
  worker = await startWorkerProcess(env, stack.client, taskQueue);
  const metricsUrl = `http://${worker.metricsBind}/metrics`;
  await scrape(metricsUrl);

  const file = stack.writeCampaign('worker.yaml', campaignYaml(stack, 'worker-process', { servers: stack.servers }));
  const plan = await cliJson<{ servers: { serviceName: string }[]; skipped: unknown[] }>(['plan', file, '--json'], env);
  expect(plan.servers.map((s) => s.serviceName)).toEqual(stack.servers);
  expect(plan.skipped).toEqual([]);

  const metrics = await scrape(metricsUrl);
  expect(metrics).toMatch(/^temporal_workflow_completed\{.*\} 1$/m);
  expect(metrics).toMatch(
    /^reimage_ovh_calls\{.*route="\/dedicated\/server\/\{serviceName\}\/install\/compatibleTemplates".*status="200".*\} 2$/m,
  );

  expect(await worker.kill('SIGTERM')).toBe('code 0');
  worker = undefined;
});
