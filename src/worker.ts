/**
 * Composition root of the worker: config -> OVH client (with its rate budget) -> activities -> Worker.
 * One worker process serves both workflows and all activities on one task queue; run several for more
 * throughput (see the README on how the OVH rate budget is then shared).
 */
import { readFileSync } from 'node:fs';
import {
  Runtime,
  Worker,
  bundleWorkflowCode,
  makeTelemetryFilterString,
  type WorkflowBundle,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from './activities';
import { ConfigError, loadClientConfig, loadConfig, type Config } from './config';
import { createJsonLogger, type Logger } from './observability/logger';
import { meterMetrics } from './observability/metrics';
import { OvhClient } from './ovh/client';
import { RateBudget } from './ovh/rate-budget';
import { connectWorker, dataConverterFor } from './temporal/connection';

export interface WorkerHandle {
  worker: Worker;
  /** Resolves when the worker has shut down (SIGINT/SIGTERM, or `worker.shutdown()`). */
  run(): Promise<void>;
}

export interface CreateWorkerOptions {
  /** The worker's environment (the entry point's, or a test stack's): its Config, Temporal's connection
   * settings, and where `${VAR}` references in campaigns are looked up. */
  env: NodeJS.ProcessEnv;
  logger?: Logger;
  /** A prebuilt bundle (tests and the demo bundle once); default: bundle src/workflows now. */
  workflowBundle?: WorkflowBundle;
  /** Install the Temporal Runtime with Prometheus metrics; only once per process, so off in tests. */
  installRuntime?: boolean;
}

/** Bundles the project's workflow code (webpack + swc); about a second. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: quietLogger });
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`${message}\n`),
  error: (message: string) => process.stderr.write(`${message}\n`),
};

function installRuntime(config: Config): void {
  Runtime.install({
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: config.metricsBind }, metricPrefix: 'temporal_' },
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) },
    },
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
}

/**
 * The bundle REIMAGE_WORKFLOW_BUNDLE names, or a fresh one. A bundle built ahead (`npm run bundle`, the
 * Dockerfile does it) saves the worker webpack's seconds and memory at start (~150 MB of peak RSS), and
 * pins the workflow code a deployment runs.
 */
export async function workflowBundleFor(config: Pick<Config, 'workflowBundlePath'>): Promise<WorkflowBundle> {
  if (!config.workflowBundlePath) return bundleWorkflows();
  try {
    return { code: readFileSync(config.workflowBundlePath, 'utf8') };
  } catch (error) {
    throw new ConfigError(
      `REIMAGE_WORKFLOW_BUNDLE: "${config.workflowBundlePath}" cannot be read (${(error as Error).message}); build it with "npm run bundle -- ${config.workflowBundlePath}" or unset the variable.`,
    );
  }
}

/** Builds a worker from its environment; nothing runs until `run()`. */
export async function createWorker(options: CreateWorkerOptions): Promise<WorkerHandle> {
  const { env } = options;
  const config = loadConfig(env);
  const logger = options.logger ?? createJsonLogger(config.logLevel);
  if (options.installRuntime) installRuntime(config);
  const metrics = options.installRuntime ? meterMetrics(Runtime.instance().metricMeter) : undefined;
  const rateBudget = new RateBudget({ ...config.ovh.rateLimit, onWait: metrics?.rateBudgetWait });
  const ovh = new OvhClient(config.ovh, { rateBudget, metrics, logger });
  const activities = createActivities({ ovh, logger, env });
  const { connection, namespace } = await connectWorker(loadClientConfig(env).connect);
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: config.taskQueue,
    workflowBundle: options.workflowBundle ?? (await workflowBundleFor(config)),
    activities,
    dataConverter: dataConverterFor(config.codecKeys),
    // Most activities wait on OVH (polls sleep inside waitForDeployment): many slots, little CPU.
    maxConcurrentActivityTaskExecutions: 600,
    maxConcurrentWorkflowTaskExecutions: 100,
    // Each cached run costs ~0.5 MB of worker RSS (bench/b4: 497 MB with 2,000, 394 MB with 300 for 300
    // servers in flight). An evicted server workflow replays its ~36 events on its next task: cheap.
    maxCachedWorkflows: config.maxCachedWorkflows,
    workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 10 },
    activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 10 },
    shutdownGraceTime: '10s',
  });
  logger.info('worker ready', { taskQueue: config.taskQueue, namespace, ovhEndpoint: config.ovh.endpoint });
  return {
    worker,
    run: async () => {
      try {
        await worker.run();
      } finally {
        await connection.close();
      }
    },
  };
}

/** `reimage worker`: runs on `env` (the process's) until SIGINT/SIGTERM. */
export async function runWorker(env: NodeJS.ProcessEnv): Promise<void> {
  const handle = await createWorker({ env, installRuntime: true });
  await handle.run();
}
