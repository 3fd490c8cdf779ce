/**
 * `npm run bundle [-- FILE]`: builds the workflow bundle once (default .data/workflow-bundle.js). Point
 * REIMAGE_WORKFLOW_BUNDLE at it and `reimage worker` starts without running webpack: faster, with less
 * memory, and every worker of a deployment runs exactly the same workflow code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/temporal/binaries';
import { bundleWorkflows } from '../src/worker';

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, '.data', 'workflow-bundle.js'));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, (await bundleWorkflows()).code);
  process.stdout.write(`${out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
