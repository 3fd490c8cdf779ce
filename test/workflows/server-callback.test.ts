/**
 * Servers that call back (completion.callback), with the real activities against the OVH simulator, whose
 * servers POST like cloud-init's phone_home, to `reimage callback-server`'s receiver on loopback, on the dev
 * server. Polls are set 30 simulated minutes apart, past any install, so a server whose callback is accepted
 * is known done by it, and the others by polling.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { callbackSummary } from '../../src/cli/callback-summary';
import { campaignHostKeys, knownHostsText } from '../../src/cli/known-hosts';
import { startCallbackReceiver, type CallbackReceiver } from '../../src/cli/callback-receiver';
import type { ServerResult } from '../../src/shared/campaign-types';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor, waitForValue } from '../helpers/wait-for';
import { startCampaign } from './helpers/campaign-driver';
import { simSettings, simulatorPerTest } from './helpers/simulated-ovh';

/**
 * Simulated seconds per real second: the late server's callback comes 15 simulated minutes after its boot,
 * 9 real seconds, so polling has found its end well before on a loaded runner.
 */
const SPEED = 100;
const SECRET = 'a-test-callback-secret-of-32-characters-or-more';
const POLL = { minMs: 30 * 60_000, maxMs: 30 * 60_000 };

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));

const openSimulator = simulatorPerTest();
let receiver: CallbackReceiver | undefined;
afterEach(() => receiver?.close());

async function post(url: string, body = ''): Promise<number> {
  return (await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
    .status;
}

/** The server's own result, from its workflow (the latest run of its ID). */
function serverResult(serviceName: string): Promise<ServerResult> {
  return env.client.workflow.getHandle(serverWorkflowId(serviceName)).result() as Promise<ServerResult>;
}

/** JSON.stringify's replacer that prints payloads (their `data`, base64 in the history's JSON form) as text. */
function inClear(key: string, value: unknown): unknown {
  return key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value;
}

const phasesOf = (result: ServerResult) => (result.phases ?? []).map(([phase]) => phase);

describe('servers that call back', () => {
  it('end done on their callback, refuse forged, replayed and late ones, are finished by polling without one, and their host keys make a known_hosts file', async () => {
    const sim = await openSimulator({ count: 5, speed: SPEED, followClock: true, deps: { callbackSecret: SECRET } });
    const [called, silent, forged, twice, late] = sim.servers.map((s) => s.serviceName) as [
      string,
      string,
      string,
      string,
      string,
    ];
    sim.sim.state.injectFaults(
      `callback_never=${silent},callback_forged=${forged},callback_twice=${twice},callback_late=${late}`,
    );
    const logged: string[] = [];
    receiver = await startCallbackReceiver({
      client: env.client,
      secret: SECRET,
      port: 0,
      log: (line) => logged.push(line),
    });
    const taskQueue = uniqueTaskQueue('callback');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, {
      poll: POLL,
      // Simulated time: the activities follow the simulator's clock.
      deadlines: { installMs: 60 * 60_000, bootMs: 15 * 60_000, rollbackMs: 20 * 60_000 },
      completion: { callback: `${receiver.url}/phone-home`, tries: 2 },
    });

    const { report, results } = await worker.runUntil(async () => {
      const ended = await (await startCampaign(env, taskQueue, sim.servers, settings)).result();
      // A server's run ends in one more workflow task after its report reached the campaign: read the
      // results while the worker still runs, so that none is left open without one.
      return { report: ended, results: await Promise.all([called, silent, forged, twice, late].map(serverResult)) };
    });

    expect(report.finalState).toBe('done');
    expect(report.totals.byOutcome).toEqual({ done: 5 });
    // The report says which servers called back, and status and the reports name the others.
    expect(report.totals.calledBack).toBe(2);
    expect(report.servers.filter((row) => row.calledBack).map((row) => row.serviceName)).toEqual([called, twice]);
    expect(callbackSummary(report.totals, report.servers)).toBe(
      `callbacks: 2 of 5 done servers called back (report --format known-hosts prints their SSH host keys); found by polling, without host keys: ${silent}, ${forged}, ${late}`,
    );
    const [calledResult, silentResult, forgedResult, twiceResult, lateResult] = results as [
      ServerResult,
      ServerResult,
      ServerResult,
      ServerResult,
      ServerResult,
    ];
    // Accepted callbacks prove the boot: no boot check; the others were found by polling and boot-checked.
    for (const [result, sn] of [
      [calledResult, called],
      [twiceResult, twice],
    ] as const) {
      expect(result.hostKeys).toEqual({ fqdn: sn, keys: sim.sim.state.hostKeys(sn) });
      expect(phasesOf(result)).not.toContain('verifying');
    }
    for (const result of [silentResult, forgedResult, lateResult]) {
      expect(result.hostKeys).toBeUndefined();
      expect(phasesOf(result)).toContain('verifying');
    }
    const attempts = (sn: string) =>
      sim.sim.state
        .callbacks()
        .filter((a) => a.serviceName === sn)
        .map((a) => a.status);
    expect(attempts(called)).toEqual([200]);
    expect(attempts(silent)).toEqual([]);
    expect(attempts(forged)).toEqual([403, 403]);
    expect(attempts(twice)).toEqual([200, 409]);

    // The tokens are in no history and no line of the receiver's log.
    const tokens = sim.sim.state.callbacks().map((a) => a.url.split('/').at(-1) as string);
    const fetched = await Promise.all(
      [called, silent, forged, twice].map((sn) => env.client.workflow.getHandle(serverWorkflowId(sn)).fetchHistory()),
    );
    const histories = fetched.map((history) => JSON.stringify(history, inClear));
    // The payloads are read in clear: the callback's base URL (in the settings) is found, its tokens are not.
    expect(histories.every((history) => history.includes(`${receiver!.url}/phone-home`))).toBe(true);
    for (const token of tokens) {
      expect(histories.some((history) => history.includes(token))).toBe(false);
      expect(logged.some((line) => line.includes(token))).toBe(false);
    }
    // No polling activity runs while a callback is awaited: none is cancelled, none outlives its workflow.
    for (const history of fetched) {
      expect(history.events?.filter((event) => event.activityTaskCancelRequestedEventAttributes)).toEqual([]);
    }
    expect(logged).toContain(`callback 200: ${called} deployment 1: accepted`);
    expect(logged).toContain(`callback 403: ${forged}: the token is not valid`);

    // Once the run ended, its token is dead.
    const replay = sim.sim.state.callbacks().find((a) => a.serviceName === twice)?.url as string;
    expect(await post(replay)).toBe(404);
    // The late server, found by polling, calls back after its run ended: refused, it changes nothing.
    await waitFor(() => attempts(late).length === 2, { what: `${late}'s two late tries` });
    expect(attempts(late)).toEqual([404, 404]);
    expect((await serverResult(late)).finishedAtMs).toBe(lateResult.finishedAtMs);

    const keys = await waitForValue(
      () => campaignHostKeys(env.client, taskQueue),
      (found) => found.size === 2,
      { what: 'the host keys of the two servers that called back' },
    );
    const lines = (sn: string) => (sim.sim.state.hostKeys(sn) ?? []).map((key) => `${sn} ${key}`);
    expect(knownHostsText(report.servers, keys).split('\n')).toEqual([
      ...lines(called),
      ...lines(twice),
      `# No host keys (no callback): ${silent}, ${forged}, ${late}`,
    ]);
    expect(lines(called)).toEqual([
      expect.stringMatching(/ ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[\w+/]+$/),
      expect.stringMatching(/ ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABB[\w+/]+=*$/),
    ]);
  }, 120_000);
});
