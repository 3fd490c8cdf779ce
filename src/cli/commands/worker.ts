/** `reimage worker`: the Temporal worker that runs reimage's workflows and OVH activities. */
import { parseArgs } from 'node:util';
import { runWorker } from '../../worker';

export const usage = `reimage worker

Runs the worker: it executes the campaign and server workflows and every OVH call, on the task queue
REIMAGE_TASK_QUEUE (default "reimage"). It reads the OVH credentials (OVH_ENDPOINT, OVH_APPLICATION_KEY,
OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY, or OVH_CLIENT_ID and OVH_CLIENT_SECRET) and Temporal's connection
settings (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, ...) from the environment, serves
Prometheus metrics on REIMAGE_METRICS_BIND (default 127.0.0.1:9464), and stops cleanly on Ctrl-C. To
rehearse against "reimage simulator --speed N", set REIMAGE_SIMULATOR_SPEED=N: the worker then waits on the
simulator's clock (refused unless OVH_ENDPOINT is that simulator, on this machine).

Examples:
  OVH_ENDPOINT=ovh-eu OVH_APPLICATION_KEY=... OVH_APPLICATION_SECRET=... OVH_CONSUMER_KEY=... reimage worker
  TEMPORAL_ADDRESS=my-ns.a1b2c.tmprl.cloud:7233 TEMPORAL_NAMESPACE=my-ns.a1b2c TEMPORAL_API_KEY=... reimage worker`;

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // No options: everything comes from the environment, so a stray argument is a mistake worth stopping on.
  parseArgs({ args: argv, options: {}, strict: true });
  await runWorker(env);
  return 0;
}
