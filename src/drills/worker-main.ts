/**
 * The drills' worker process: `reimage worker` (the same composition root, createWorker) with the workflow
 * code bundled ONCE by the drill and read from REIMAGE_DRILL_BUNDLE. A worker restarted mid-campaign must
 * run the code the workflows started with; re-bundling a source tree that changed in between would replay
 * their histories against other code (a non-determinism error). Production deploys do the same: one build.
 */
import { readFileSync } from 'node:fs';
import { createWorker } from '../worker';

async function main(): Promise<void> {
  const bundlePath = process.env.REIMAGE_DRILL_BUNDLE;
  if (!bundlePath) throw new Error('REIMAGE_DRILL_BUNDLE is not set: the drill passes the path of its bundle.');
  const handle = await createWorker({
    installRuntime: true,
    workflowBundle: { code: readFileSync(bundlePath, 'utf8') },
  });
  await handle.run();
}

main().catch((err: unknown) => {
  process.stderr.write(`The drill worker stopped: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
