/**
 * A sample hook worker: the team's own Temporal worker, on its own task queue, running the drainNode and
 * undrainNode workflows that a campaign's `workflow` hooks start.
 *
 *   TEMPORAL_ADDRESS=127.0.0.1:7233 HOOK_TASK_QUEUE=k8s-ops POOL_URL=https://lb.example.com \
 *     npx tsx examples/hooks/hook-worker.ts
 *
 * `reimage plan` says whether a worker polls each hook task queue.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createPoolActivities } from './activities';

async function main(): Promise<void> {
  const poolUrl = process.env.POOL_URL;
  if (!poolUrl) throw new Error('Set POOL_URL to the load-balancer pool API, e.g. https://lb.example.com.');
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.HOOK_TASK_QUEUE ?? 'k8s-ops',
    workflowsPath: require.resolve('./workflows'),
    activities: createPoolActivities(poolUrl),
  });
  await worker.run();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
