/**
 * A worker with REIMAGE_SIMULATOR_SPEED follows the simulator's clock: a campaign with the campaign file's
 * default poll policy (first poll late in an 11-minute install, then every 50 s) against a simulator at
 * speed 100 polls at those simulated times and ends within seconds, where a worker on real time would wait
 * nine real minutes for its first poll.
 */
import { parse } from 'yaml';
import { nextPollDelay, pollPolicyFor } from '../../src/shared/poll-policy';
import { validateCampaignData } from '../../src/campaign/loader';
import { startCampaign } from '../../src/cli/plan-runner';
import { campaignYaml, startCliStack, type CliStack } from './helpers/cli-harness';

const SPEED = 100;
const TASK_READ = 'GET /dedicated/server/{serviceName}/task/{taskId}';
/**
 * Simulated time a real delay of 3 s (a loaded machine between a wake-up and its request) amounts to: still
 * a hundredth of the nine real minutes a worker on real time would wait for its first poll.
 */
const SLACK_MS = 3_000 * SPEED;
/** Simulated time a poll may seem early by: the simulator and the worker read one clock, 60 ms apart at most. */
const EARLY_MS = 60 * SPEED;

let stack: CliStack;

beforeAll(async () => {
  stack = await startCliStack([{}, {}], SPEED, undefined, { REIMAGE_SIMULATOR_SPEED: String(SPEED) });
});
afterAll(() => stack?.close());

/** The simulated time of a real instant (the simulator computes its time from this machine's clock). */
function simulatedAt(realMs: number): number {
  return stack.sim.state.now() - (Date.now() - realMs) * SPEED;
}

it("polls each install at the default policy's simulated times, and the campaign ends in seconds", async () => {
  const file = campaignYaml(stack, 'simulator-speed', {
    servers: stack.servers,
    rollout: { waves: [] },
    top: { poll: undefined },
  });
  const spec = validateCampaignData(parse(file));
  const targets = stack.servers.map((serviceName) => ({ serviceName }));
  await startCampaign(stack.client, spec, 'simulator-speed', targets, stack.config.taskQueue);
  expect((await stack.result('simulator-speed')).totals.byOutcome).toEqual({ done: 2 });

  const reads = stack.sim.state.requests().filter((request) => request.route === TASK_READ);
  const policy = pollPolicyFor({});
  // The jitter brings a first poll forward by at most half its 10 %, and lengthens a pause by at most 10 %.
  const firstPoll = { earliest: nextPollDelay(0, policy, () => 0), latest: nextPollDelay(0, policy, () => 1) };
  for (const serviceName of stack.servers) {
    const install = stack.sim.state.server(serviceName)!.deployment!;
    const startedAt = Date.parse(install.startedAt);
    const installDurationMs = install.installDurationMs!;
    const polls = reads
      .filter((request) => request.path.includes(`/${serviceName}/task/`))
      .map((request) => simulatedAt(Date.parse(request.at)) - startedAt);
    expect(polls[0]).toBeGreaterThanOrEqual(firstPoll.earliest - EARLY_MS);
    expect(polls[0]).toBeLessThanOrEqual(firstPoll.latest + SLACK_MS);
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.length).toBeLessThanOrEqual(7);
    // Noticed at the first poll, or within the longest pause the policy makes by the install's end.
    const longestWait = Math.max(
      firstPoll.latest - installDurationMs,
      nextPollDelay(installDurationMs, policy, () => 1),
    );
    expect(polls.at(-1)! - installDurationMs).toBeLessThanOrEqual(longestWait + SLACK_MS);
  }
});
