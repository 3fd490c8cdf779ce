/**
 * Keeps the SDK's lines (worker state changes, activity failures tests provoke, the core's warnings) out of
 * the test output: they go to the test file's log (test/helpers/test-logger.ts).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { connectToDevServer, workflowBundle } from '../../helpers/temporal';
import { testLogger } from '../../helpers/test-logger';

let installed = false;

/** Call before the first connection or worker of a test file. */
export function quietRuntime(): void {
  if (installed) return;
  Runtime.install({
    logger: testLogger(),
    // The core logs on its own (e.g. an activity completing after its workflow ended): forwarded to the logger.
    telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } },
  });
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
