/** `reimage demo` (npm run demo): a whole campaign on the embedded Temporal dev server and the simulator. */
import { runDemo } from '../demo-runner';

export const usage = `reimage demo

Runs a whole campaign on the embedded defaults, in about a minute: starts the Temporal dev server (with its
Web UI), the OVH API simulator (40 servers, three of them with injected faults), a demo image server and a
worker; runs a campaign with a canary wave and a failure budget; shows live progress; prints the report and
the Temporal UI URL; then stops everything it started. Needs nothing but Node.js 20 and Python 3.

Example:
  npm run demo`;

export async function run(): Promise<number> {
  return runDemo();
}
