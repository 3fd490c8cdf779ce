/**
 * The baseline B2 compares against: the script a team would write with the same client,
 * `@ovhcloud/node-ovh`, and nothing else. Batches of P servers with `Promise.all`; each server gets
 * `POST /reinstall` (byoi_64, the same body as reimage sends) and its task is polled on a fixed schedule
 * until it leaves init/todo/doing. No preflight, no rate budget, no durability: a crash loses everything.
 *
 * Two schedules are used by B2: the naive one (every 10 s) and Terraform's (ovh/terraform-provider-ovh
 * `dedicated_server_task.go`: Delay 10 s, MinTimeout 3 s, through the SDK's StateChangeConf, whose wait
 * doubles from 100 ms and is kept within [MinTimeout, 10 s]: polls at 10, 13, 19, 29, 39, ... s).
 */
import createNodeOvh from '@ovhcloud/node-ovh';
import { reinstallBody } from '../../src/ovh/routes/reinstall';
import { trustCaFile } from '../../src/ovh/settings';
import type { Simulator } from '../../src/simulator';
import { BENCH_IMAGE, type DetectionLog } from './sim-bench';

/** Pauses before each poll, in simulated ms: `delays(index)` for the index-th poll (0 first). */
export type PollSchedule = (index: number) => number;

export const NAIVE_SCHEDULE: PollSchedule = () => 10_000;

export const TERRAFORM_SCHEDULE: PollSchedule = (index) => {
  if (index === 0) return 10_000;
  let wait = 100;
  for (let step = 0; step < index; step += 1) wait = Math.min(10_000, Math.max(3_000, wait * 2));
  return wait;
};

export interface NaiveOptions {
  sim: Simulator;
  servers: string[];
  /** Servers per batch: the next batch starts when the whole batch has ended. */
  batchSize: number;
  schedule: PollSchedule;
  /** Simulated seconds per real second, to turn the schedule into real sleeps. */
  speed: number;
  detections: DetectionLog;
}

export interface NaiveCalls {
  start: number;
  polls: number;
}

type NodeOvh = { requestPromised(method: string, path: string, params?: Record<string, unknown>): Promise<unknown> };

/** Reimages `servers` the naive way; returns the calls made per server. */
export async function runNaiveBaseline(options: NaiveOptions): Promise<NaiveCalls[]> {
  const { sim } = options;
  trustCaFile(sim.caCertPath);
  const { appKey, appSecret, consumerKey } = sim.credentials;
  const ovh = createNodeOvh({ host: sim.host, port: sim.port, basePath: sim.basePath, appKey, appSecret, consumerKey });
  const api = ovh as unknown as NodeOvh;
  const body = reinstallBody({
    serviceName: '',
    image: { ...BENCH_IMAGE, type: 'raw' },
  });
  const sleep = (simMs: number) => new Promise((resolve) => setTimeout(resolve, simMs / options.speed));

  const reimage = async (serviceName: string): Promise<NaiveCalls> => {
    const base = `/dedicated/server/${serviceName}`;
    const task = (await api.requestPromised('POST', `${base}/reinstall`, body)) as { taskId: number };
    let polls = 0;
    for (;;) {
      await sleep(options.schedule(polls));
      const path = `${base}/task/${task.taskId}`;
      const current = (await api.requestPromised('GET', path)) as { status: string; doneDate?: string | null };
      polls += 1;
      options.detections.observe(path, current);
      if (!['init', 'todo', 'doing'].includes(current.status)) return { start: 1, polls };
    }
  };

  const calls: NaiveCalls[] = [];
  for (let index = 0; index < options.servers.length; index += options.batchSize) {
    calls.push(...(await Promise.all(options.servers.slice(index, index + options.batchSize).map(reimage))));
  }
  return calls;
}
