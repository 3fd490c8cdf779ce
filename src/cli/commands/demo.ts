/**
 * `reimage demo` (npm run demo): a whole campaign on the embedded Temporal dev server and the simulator.
 * The demo lives in testkit/, which the worker image does not ship: loaded by path, only from a clone.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../temporal/binaries';
import type { runDemo } from '../../../testkit/demo/run-demo';
import { UsageError } from '../errors';

const DEMO = path.join(PROJECT_ROOT, 'testkit', 'demo', 'run-demo.ts');

export const usage = `reimage demo

Runs a whole campaign on the embedded defaults, in about a minute: starts the Temporal dev server (with its
Web UI), the OVH API simulator (40 servers, three of them with injected faults), a demo image server and a
worker; runs a campaign with a canary wave and a failure budget; shows live progress; prints the report and
the Temporal UI URL; then stops everything it started. Needs nothing but Node.js 20 and Python 3.

Example:
  npm run demo`;

export async function run(_argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (!existsSync(DEMO)) {
    throw new UsageError(
      'reimage demo runs from a clone of the repository (the worker image ships no testkit/): clone it and run "npm run demo".',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const demo = require(DEMO) as { runDemo: typeof runDemo };
  return demo.runDemo(env);
}
