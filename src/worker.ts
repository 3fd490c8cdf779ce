/**
 * Composition root of the worker: config -> one OVH client per account (each with its rate budget) ->
 * activities -> one Temporal Worker per task queue: the shared queue, and one per OVH account the worker
 * holds (shared/task-queues.ts). Run several for more throughput (see the README on how the OVH rate budget
 * is then shared), or one per account (REIMAGE_WORKER_ACCOUNTS).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  Runtime,
  Worker,
  bundleWorkflowCode,
  makeTelemetryFilterString,
  type WorkflowBundle,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import {
  accountActivities,
  accountFreeActivities,
  createActivities,
  followSimulator,
  type ActivityDeps,
} from './activities';
import {
  ConfigError,
  loadClientConfig,
  loadConfig,
  loadWorkerAccounts,
  type Config,
  type WorkerAccounts,
} from './config';
import { createJsonLogger, type Logger } from './observability/logger';
import { meterMetrics, type ReimageMetrics } from './observability/metrics';
import type { OvhAccount } from './ovh/accounts-file';
import { OvhClient } from './ovh/client';
import { RateBudget } from './ovh/rate-budget';
import { followSimulatorClock, type SimulatorClock } from './rehearsal/simulator-clock';
import { keepStartupCas } from './ovh/settings';
import { accountTaskQueue } from './shared/task-queues';
import { connectWorker, dataConverterFor } from './temporal/connection';

export interface WorkerHandle {
  /** The worker of the shared task queue (campaigns and plans). */
  worker: Worker;
  /** Every worker of this process: the shared queue's, then one per OVH account held (accountTaskQueue). */
  workers: Worker[];
  /** Stops every worker (what SIGINT/SIGTERM do). */
  shutdown(): void;
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
 * Refuses a metrics address another process holds (a second worker on this machine, say): the SDK's core
 * would only log that its exporter failed, and the worker would run without its metrics.
 */
async function metricsAddressFree(bind: string): Promise<void> {
  const separator = bind.lastIndexOf(':');
  const host = bind.slice(0, separator);
  const port = Number(bind.slice(separator + 1));
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw new ConfigError(
      `REIMAGE_METRICS_BIND: ${bind} cannot be bound for the worker's metrics (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; another worker on this machine?); set REIMAGE_METRICS_BIND to a free host:port, e.g. 127.0.0.1:9465.`,
    );
  } finally {
    await new Promise((resolve) => probe.close(resolve));
  }
}

/**
 * The bundle REIMAGE_WORKFLOW_BUNDLE names, or a fresh one. A bundle built ahead (`npm run bundle`, the
 * Dockerfile does it) saves the worker webpack's seconds and memory at start, and
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

/** One OVH account's client, with the account's own rate budget. */
function accountClient(account: OvhAccount, logger: Logger, metrics: ReimageMetrics | undefined): OvhClient {
  const rateBudget = new RateBudget({ ...account.rateLimit, onWait: metrics?.rateBudgetWait });
  return new OvhClient(account.settings, {
    rateBudget,
    metrics,
    logger: logger.child({ account: account.name }),
    account: account.name,
    health: { unreachableAfterMs: account.unreachableAfterMs },
  });
}

/** What the activities of one OVH account get: its client, and its simulator's clock when rehearsing. */
type AccountDeps = Pick<ActivityDeps, 'ovh' | 'clock' | 'clockAt' | 'sleep'>;

/**
 * The clock of each held account's simulator when the worker rehearses (REIMAGE_SIMULATOR_SPEED, whose
 * endpoints loadWorkerAccounts checked are on this machine); none otherwise.
 */
async function simulatorClocks(
  config: Readonly<Config>,
  accounts: WorkerAccounts,
): Promise<Map<string, SimulatorClock>> {
  const speed = config.simulatorSpeed;
  if (speed === undefined) return new Map();
  const clocks = await Promise.all(
    accounts.held.map(async ({ name, settings }) => {
      const clock = await followSimulatorClock(settings.endpoint, settings.caFile, speed);
      return [name, clock] as const;
    }),
  );
  return new Map(clocks);
}

/**
 * What each task queue of this worker runs: the shared queue (campaigns, plans, the image qualification,
 * and the default account's servers), then one queue per other account it holds (that account's server
 * workflows and OVH activities). Every queue runs the workflows too: a server workflow runs on its account's
 * queue, so its local preflight reads run where that account's credentials are.
 */
function queuesOf(
  config: Readonly<Config>,
  accounts: WorkerAccounts,
  deps: Omit<ActivityDeps, 'ovh'>,
  ovhDepsOf: (account: OvhAccount) => AccountDeps,
): { taskQueue: string; activities: object }[] {
  const speed = config.simulatorSpeed;
  const names = { accountNames: accounts.names, ovhClockSpeed: speed };
  const queues: { taskQueue: string; activities: object }[] = accounts.held.map((account) => ({
    taskQueue: accountTaskQueue(config.taskQueue, account.name),
    activities: { ...createActivities({ ...deps, ...ovhDepsOf(account) }), ...accountActivities(names) },
  }));
  if (!queues.some((queue) => queue.taskQueue === config.taskQueue)) {
    // No default account here: the shared queue runs what needs no OVH account.
    queues.unshift({ taskQueue: config.taskQueue, activities: accountFreeActivities({ ...deps, ...names }) });
  }
  return queues;
}

/** Builds a worker from its environment; nothing runs until `run()`. */
export async function createWorker(options: CreateWorkerOptions): Promise<WorkerHandle> {
  const { env } = options;
  const config = loadConfig(env);
  keepStartupCas(config.nodeExtraCaCerts);
  const accounts = loadWorkerAccounts(config, env);
  const logger = options.logger ?? createJsonLogger(config.logLevel);
  if (options.installRuntime) {
    await metricsAddressFree(config.metricsBind);
    installRuntime(config);
  }
  const metrics = options.installRuntime ? meterMetrics(Runtime.instance().metricMeter) : undefined;
  const workflowBundle = options.workflowBundle ?? (await workflowBundleFor(config));
  const { connection, namespace } = await connectWorker(loadClientConfig(env).connect);
  const grant = { names: config.campaignVars, withheld: accounts.credentialVariables };
  const { hookHosts, imageHosts, allowedServers, uiUrl, simulatorSshPort, callbackSecret } = config;
  const deps = {
    logger,
    env,
    grant,
    hookHosts,
    imageHosts,
    allowedServers,
    uiUrl,
    simulatorSshPort,
    callbackSecret,
  };
  const clocks = await simulatorClocks(config, accounts);
  const queues = queuesOf(config, accounts, deps, (account) => {
    const ovh = accountClient(account, logger, metrics);
    const simulator = clocks.get(account.name);
    return { ovh, ...(simulator ? followSimulator(simulator, ovh) : {}) };
  });
  const workers = await Promise.all(
    queues.map(({ taskQueue, activities }) =>
      Worker.create({
        connection,
        namespace,
        taskQueue,
        workflowBundle,
        activities,
        dataConverter: dataConverterFor(config.codecKeys),
        // Most activities wait on OVH (polls sleep inside waitForDeployment): many slots, little CPU.
        maxConcurrentActivityTaskExecutions: 600,
        maxConcurrentWorkflowTaskExecutions: 100,
        // Each cached run costs worker memory (BENCHMARKS.md, B4). An evicted server workflow replays its
        // short history (B5) on its next task: cheap. The queues share the figure.
        maxCachedWorkflows: Math.max(10, Math.floor(config.maxCachedWorkflows / queues.length)),
        workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 10 },
        activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 10 },
        shutdownGraceTime: '10s',
      }),
    ),
  );
  logger.info('worker ready', {
    taskQueues: queues.map((queue) => queue.taskQueue),
    namespace,
    accounts: accounts.held.map((account) => `${account.name} (${account.settings.endpoint})`),
    simulatorSpeed: config.simulatorSpeed,
  });
  return {
    worker: workers[0] as Worker,
    workers,
    shutdown: () => workers.forEach((worker) => worker.shutdown()),
    run: async () => {
      try {
        await Promise.all(workers.map((worker) => worker.run()));
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
