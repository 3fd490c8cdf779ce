/**
 * `reimage plan`, then the campaign, on one worker with the real activities against the OVH simulator (dev
 * server): the campaign reuses the stable facts the plan's preflights read (hardware, serviceInfos,
 * compatible templates, boot IDs) and reads the volatile ones again, so a server whose state changed or on
 * which an install started between the plan and the campaign is still refused by preflight.
 */
import { createHash } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { OvhClient } from '../../src/ovh/client';
import { serverPath } from '../../src/ovh/dedicated-server';
import { voidSchema } from '../../src/ovh/schemas';
import type { PlanInput } from '../../src/shared/plan-types';
import { planCampaignWorkflow } from '../../src/workflows';
import { type ImageServer } from '../../testkit/image-server';
import { rawGptImage } from '../../src/simulator/disk-image';
import { startImageServer } from '../activities/helpers/images';
import { lastSeq, perRoute, serverCalls } from '../helpers/server-calls';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { startCampaign } from './helpers/campaign-driver';
import { simSettings, simulatorPerTest } from './helpers/simulated-ovh';

/** Simulated seconds per real second: an 11-minute install takes about a third of a second. */
const SPEED = 2000;
const SERVER = 'GET /dedicated/server/{serviceName}';
const TASKS = 'GET /dedicated/server/{serviceName}/task';
const TASK = 'GET /dedicated/server/{serviceName}/task/{taskId}';

let env: TestWorkflowEnvironment;
let images: ImageServer;
const image = rawGptImage(true);

devServerPerFile((connected) => (env = connected));
beforeAll(async () => {
  images = await startImageServer({ 'disk.raw': image }, 'unused');
});
afterAll(async () => {
  await images?.close();
});

const openSimulator = simulatorPerTest();

describe('a campaign after its plan, on the same worker', () => {
  it('reuses the stable facts the plan read, reads the volatile ones again and still refuses servers that changed', async () => {
    // The outside install on the third server never ends, so it is still running when the campaign looks.
    const sim = await openSimulator({ count: 3, speed: SPEED, faults: { 2: ['never_ends'] } });
    const [kept, broken, taken] = sim.servers.map((server) => server.serviceName) as [string, string, string];
    const taskQueue = uniqueTaskQueue('plan-then-campaign');
    const settings = simSettings(taskQueue, SPEED, {
      image: {
        url: images.url('disk.raw'),
        type: 'raw',
        efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
        checksum: { type: 'sha256', value: createHash('sha256').update(image).digest('hex') },
      },
    });
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const plan: PlanInput = {
      campaignId: taskQueue,
      settings,
      preflight: true,
      selection: { kind: 'list', serviceNames: [kept, broken, taken] },
      exclude: [],
      needPlacement: false,
    };
    const report = await worker.runUntil(async () => {
      const planned = await env.client.workflow.execute(planCampaignWorkflow, {
        workflowId: `plan-${taskQueue}`,
        taskQueue,
        args: [plan],
      });
      expect(planned).toMatchObject({
        servers: [{ serviceName: kept }, { serviceName: broken }, { serviceName: taken }],
      });
      // Between the plan and the campaign, OVH puts one server in error and someone starts an install on another.
      const { appKey, appSecret, consumerKey } = sim.sim.credentials;
      const ovh = new OvhClient({ endpoint: sim.sim.url, appKey, appSecret, consumerKey, caFile: sim.sim.caCertPath });
      const route = '/dedicated/server/{serviceName}';
      await ovh.request({
        method: 'PUT',
        path: serverPath(broken),
        route,
        body: { state: 'error' },
        schema: voidSchema,
      });
      const outsideTask = sim.sim.state.startInstall(taken);
      const since = lastSeq(sim.sim);
      const campaign = await startCampaign(env, taskQueue, planned.servers, settings);
      const result = await campaign.result();
      return { result, since, outsideTask };
    });
    const { result, since, outsideTask } = report;
    const rows = Object.fromEntries(result.servers.map((row) => [row.serviceName, row]));
    expect(rows[kept]).toMatchObject({ outcome: 'done', deployments: 1 });
    expect(rows[broken]).toMatchObject({
      outcome: 'preflight_failed',
      message: `server_state: ${broken} is in state "error" (not "ok"); OVH must clear the server before it can be reinstalled.`,
    });
    expect(rows[taken]).toMatchObject({
      outcome: 'preflight_failed',
      message: expect.stringMatching(
        /^no_install_in_flight: .+ already has an installation running: reinstallServer task /,
      ),
    });
    expect(rows[taken]?.message).toContain(`task ${outsideTask} `);
    // The campaign read no stable fact again: the server and its tasks before the start, the POST, the
    // polls, and one read of the server for the boot check, which, the first on this worker, lists the
    // endpoint's harddisk boots (once for every server after it).
    const keptCalls = serverCalls(sim.sim, kept, since);
    const polls = keptCalls.filter((call) => call === TASK).length;
    expect(polls).toBeGreaterThan(0);
    expect(perRoute(keptCalls)).toEqual({
      [SERVER]: 2,
      [TASKS]: 1,
      [TASK]: polls,
      'GET /dedicated/server/{serviceName}/boot': 1,
      'POST /dedicated/server/{serviceName}/reinstall': 1,
    });
    expect(rows[kept]?.apiCalls).toBe(keptCalls.length);
    expect(serverCalls(sim.sim, broken, since)).toEqual([SERVER, TASKS]);
    expect(serverCalls(sim.sim, taken, since)).toEqual([SERVER, TASKS, TASK]);
    expect([sim.installPosts(kept), sim.installPosts(broken)]).toEqual([1, 0]);
    expect(sim.sim.state.server(taken)?.taskIds).toEqual([outsideTask]);
  });
});
