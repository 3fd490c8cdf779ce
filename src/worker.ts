/**
 * Composition root of the worker: config -> OVH client (with its rate budget) -> activities -> Worker.
 * One worker process serves both workflows and all activities on one task queue; run several for more
 * throughput (see the README on how the OVH rate budget is then shared).
 */
import {
  Runtime,
  Worker,
  bundleWorkflowCode,
  makeTelemetryFilterString,
  type WorkflowBundle,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from './activities';
import { loadConfig, type Config } from './config';
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
  env?: NodeJS.ProcessEnv;
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

/** Builds a worker from the environment; nothing runs until `run()`. */
export async function createWorker(options: CreateWorkerOptions = {}): Promise<WorkerHandle> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const logger = options.logger ?? createJsonLogger(config.logLevel);
  if (options.installRuntime) installRuntime(config);
  const metrics = options.installRuntime ? meterMetrics(Runtime.instance().metricMeter) : undefined;
  const rateBudget = new RateBudget({ ...config.ovh.rateLimit, onWait: metrics?.rateBudgetWait });
  const ovh = new OvhClient(config.ovh, { rateBudget, metrics, logger });
  const activities = createActivities({ ovh, logger, env });
  const { connection, namespace } = await connectWorker(env);
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: config.taskQueue,
    workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
    activities,
    dataConverter: dataConverterFor(config.codecKeys),
    // Most activities wait on OVH (polls sleep inside waitForDeployment): many slots, little CPU.
    maxConcurrentActivityTaskExecutions: 600,
    maxConcurrentWorkflowTaskExecutions: 100,
    maxCachedWorkflows: 2000,
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

/** `reimage worker`: runs until SIGINT/SIGTERM. */
export async function runWorkerFromEnv(): Promise<void> {
  const handle = await createWorker({ installRuntime: true });
  await handle.run();
}
