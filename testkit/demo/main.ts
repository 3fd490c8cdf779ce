/**
 * Entry point of `npm run demo`: reads the environment once (config.ts) and runs the demo campaign.
 * A failure prints its message and exits 1, like any other entry point.
 */
import { readEnvironment } from '../../src/config';
import { runDemo } from './run-demo';

runDemo(readEnvironment()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
