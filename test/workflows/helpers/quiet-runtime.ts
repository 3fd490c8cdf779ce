/** Keeps the SDK's INFO lines (worker state changes, activity failures we provoke) out of test output. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/** Call before the first connection of a test file. */
export function quietRuntime(): void {
  if (installed) return;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  installed = true;
}
