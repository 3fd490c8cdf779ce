/** Keeps the SDK's INFO lines (worker state changes, activity failures we provoke) out of test output. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { connectToDevServer, workflowBundle } from '../../helpers/temporal';

let installed = false;

/** Call before the first connection of a test file. */
export function quietRuntime(): void {
  if (installed) return;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  installed = true;
}

/**
 * For a workflow test file: connects to the suite's dev server once (SDK logs quiet, workflow bundle built
 * before the first test, so no test pays for it) and tears the connection down after the file.
 */
export function devServerPerFile(onReady: (env: TestWorkflowEnvironment) => void): void {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    quietRuntime();
    env = await connectToDevServer();
    await workflowBundle();
    onReady(env);
  });
  afterAll(async () => {
    await env?.teardown();
  });
}
