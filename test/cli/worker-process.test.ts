/**
 * `reimage worker` as its own process: it serves a plan for the CLI, exposes Prometheus metrics (the SDK's
 * plus reimage's OVH call counter) on REIMAGE_METRICS_BIND, and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/temporal/dev-server';
import { uniqueTaskQueue } from '../helpers/temporal';
import { waitForValue } from '../helpers/wait-for';
import { campaignYaml, cliJson, startCliStack, type CliStack } from './helpers/cli-harness';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'reimage.js');
let stack: CliStack;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  stack = await startCliStack([{}, {}], 3000);
});
afterAll(async () => {
  worker?.kill('SIGKILL');
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
  const metricsPort = await freePort();
  const taskQueue = uniqueTaskQueue('worker-process');
  const env = { ...stack.env, REIMAGE_TASK_QUEUE: taskQueue, REIMAGE_METRICS_BIND: `127.0.0.1:${metricsPort}` };
  worker = spawn(process.execPath, [BIN, 'worker'], {
    env: { ...env, REIMAGE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    // A deadline on the "worker ready" line, which the listener below waits for.
    const timer = setTimeout(() => reject(new Error(`The worker did not get ready:\n${stderr}`)), 30_000);
    worker!.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('"message":"worker ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await scrape(`http://127.0.0.1:${metricsPort}/metrics`);

  const file = stack.writeCampaign('worker.yaml', campaignYaml(stack, 'worker-process', { servers: stack.servers }));
  const plan = await cliJson<{ servers: { serviceName: string }[]; skipped: unknown[] }>(['plan', file, '--json'], env);
  expect(plan.servers.map((s) => s.serviceName)).toEqual(stack.servers);
  expect(plan.skipped).toEqual([]);

  const metrics = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(metrics).toMatch(/^temporal_workflow_completed\{.*\} 1$/m);
  expect(metrics).toMatch(
    /^reimage_ovh_calls\{.*route="\/dedicated\/server\/\{serviceName\}\/install\/compatibleTemplates".*status="200".*\} 2$/m,
  );

  worker.kill('SIGTERM');
  expect(await exited).toBe(0);
  worker = undefined;
});
