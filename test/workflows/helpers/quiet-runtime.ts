/** The dev-server-per-file helper of workflow test files, with the SDK's lines kept out of the test output. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { connectToDevServer, workflowBundle } from '../../helpers/temporal';

export { quietRuntime } from '../../helpers/test-logger';

/**
 * For a workflow test file: connects to the suite's dev server once (SDK logs in the test file's log,
 * workflow bundle built before the first test, so no test pays for it) and tears the connection down after
 * the file.
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
