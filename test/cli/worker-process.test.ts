/**
 * `reimage worker` as its own process (testkit/worker-process.ts starts it as the drills and benchmarks
 * do): it serves a plan and a campaign for the CLI, exposes Prometheus metrics (the SDK's plus reimage's)
 * on REIMAGE_METRICS_BIND, every one the Grafana dashboard (deploy/grafana/reimage.json) queries, and stops
 * cleanly on SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/temporal/binaries';
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

/** PromQL's functions, aggregations and keywords: what is left of a query without them is metric names. */
const PROMQL_WORDS = new Set(['sum', 'rate', 'increase', 'histogram_quantile', 'by', 'without']);

/** Every metric name the dashboard's queries use, with the panel that uses it. */
function dashboardMetrics(): Map<string, string> {
  const file = path.join(PROJECT_ROOT, 'deploy', 'grafana', 'reimage.json');
  type Panel = { title: string; targets?: { expr: string }[]; panels?: Panel[] };
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] };
  const names = new Map<string, string>();
  const visit = (panel: Panel) => {
    for (const { expr } of panel.targets ?? []) {
      // Without label matchers, ranges, grouping labels and numbers, only names remain.
      const bare = expr.replace(/\{[^}]*\}|\[[^\]]*\]|\b(by|without)\s*\([^)]*\)|\b\d+(\.\d+)?\b/g, ' ');
      for (const [word] of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
        if (!PROMQL_WORDS.has(word)) names.set(word, panel.title);
      }
    }
    panel.panels?.forEach(visit);
  };
  dashboard.panels.forEach(visit);
  return names;
}

it('serves plans and campaigns, exports every metric the dashboard queries, and exits 0 on SIGTERM', async () => {
  const taskQueue = uniqueTaskQueue('worker-process');
  // A burst of 3 (a budget's burst is its limit when under 10): the four stable-fact reads a preflight sends at
  // once make one wait at least, however loaded the machine (the rate-budget metrics appear at a first wait).
  const env = { ...stack.env, REIMAGE_TASK_QUEUE: taskQueue, OVH_RATE_LIMIT: '3/s' };
  worker = await startWorkerProcess(env, stack.client, taskQueue);
  const metricsUrl = `http://${worker.metricsBind}/metrics`;
  await scrape(metricsUrl);

  const file = stack.writeCampaign('worker.yaml', campaignYaml(stack, 'worker-process', { servers: stack.servers }));
  const plan = await cliJson<{ servers: { serviceName: string }[]; skipped: unknown[] }>(['plan', file, '--json'], env);
  expect(plan.servers.map((s) => s.serviceName)).toEqual(stack.servers);
  expect(plan.skipped).toEqual([]);

  const metrics = await scrape(metricsUrl);
  expect(metrics).toMatch(/^temporal_workflow_completed\{.*\} 1$/m);
  // Both servers are of one commercial range: its compatible templates are read once for the two.
  expect(metrics).toMatch(
    /^reimage_ovh_calls\{.*route="\/dedicated\/server\/\{serviceName\}\/install\/compatibleTemplates".*status="200".*\} 1$/m,
  );

  // A campaign of one server whose install fails (few calls at 3/s): servers by outcome, activity failures.
  const failing = stack.servers[1]!;
  stack.sim.state.injectFaults(`download_fail=${failing}`);
  const campaignId = `wp-${taskQueue}`;
  const one = stack.writeCampaign('one.yaml', campaignYaml(stack, 'worker-process-one', { servers: [failing] }));
  await cliJson(['start', one, '--id', campaignId, '--yes', '--json'], env);
  expect((await stack.result(campaignId)).totals.byOutcome).toEqual({ deploy_failed: 1 });
  const exported = new Set(
    (await scrape(metricsUrl)).split('\n').flatMap((line) => /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line)?.[1] ?? []),
  );
  const queried = dashboardMetrics();
  expect([...queried.keys()].sort()).toEqual([
    'reimage_ovh_calls',
    'reimage_rate_budget_wait_bucket',
    'reimage_rate_budget_waits',
    'reimage_servers_finished',
    'temporal_activity_execution_failed',
    'temporal_activity_execution_latency_bucket',
    'temporal_activity_schedule_to_start_latency_bucket',
    'temporal_sticky_cache_size',
    'temporal_worker_task_slots_used',
    'temporal_workflow_task_schedule_to_start_latency_bucket',
  ]);
  const missing = [...queried].filter(([name]) => !exported.has(name));
  expect(missing).toEqual([]);

  expect(await worker.kill('SIGTERM')).toBe('code 0');
  worker = undefined;
});

it('refuses to start on a metrics address another process holds, naming the variable and the fix', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const bind = `127.0.0.1:${(holder.address() as AddressInfo).port}`;
  try {
    const env = { ...stack.env, REIMAGE_TASK_QUEUE: uniqueTaskQueue('metrics-taken'), REIMAGE_METRICS_BIND: bind };
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'reimage.js'), 'worker'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(3);
    expect(run.stderr).toContain(
      `REIMAGE_METRICS_BIND: ${bind} cannot be bound for the worker's metrics (EADDRINUSE; another worker on this machine?); set REIMAGE_METRICS_BIND to a free host:port, e.g. 127.0.0.1:9465.`,
    );
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});
