import { Context } from '@temporalio/activity';
import { beat, keepAlive } from '../../src/activities/deps';
import { mockEnv } from './helpers/harness';

// A controlled clock: keepAlive's interval and the bodies' waits run only when a test advances the time.
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** On the fake clock: resolves once a test has advanced the time by `ms`. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `body` under keepAlive in `env`, advancing the fake clock by `ms`, and returns its result. */
async function runFor<T>(env: ReturnType<typeof mockEnv>, ms: number, body: () => Promise<T>): Promise<T> {
  const result = env.run<[], T, () => Promise<T>>(() => keepAlive(body));
  await jest.advanceTimersByTimeAsync(ms);
  return result;
}

describe('keepAlive', () => {
  it("repeats the previous attempt's details until the activity heartbeats its own, then repeats those", async () => {
    // A 300 ms heartbeat timeout: a keep-alive beat every 100 ms (at 100, 200, 300, 400, 500).
    const env = mockEnv({ heartbeatTimeoutMs: 300, heartbeatDetails: { maxTaskIdBeforePost: 7 } });
    const beats: unknown[] = [];
    env.on('heartbeat', (details) => beats.push(details));
    const result = await runFor(env, 580, async () => {
      await sleep(350); // busy elsewhere (a rate-budget wait, a slow call): no heartbeat of its own
      beat({ maxTaskIdBeforePost: 9 });
      await sleep(230);
      return Context.current().info.attempt;
    });
    expect(result).toBe(1);
    const previous = { maxTaskIdBeforePost: 7 };
    const own = { maxTaskIdBeforePost: 9 };
    expect(beats).toEqual([previous, previous, previous, own, own, own]);
  });

  it('stops heartbeating when the body ends, and adds nothing without a heartbeat timeout', async () => {
    const env = mockEnv({ heartbeatTimeoutMs: 300 });
    const beats: unknown[] = [];
    env.on('heartbeat', (details) => beats.push(details));
    await runFor(env, 250, () => sleep(250));
    expect(beats).toEqual([undefined, undefined]);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(beats).toHaveLength(2);

    const silent = mockEnv({ heartbeatTimeoutMs: 0 });
    const none: unknown[] = [];
    silent.on('heartbeat', (details) => none.push(details));
    await runFor(silent, 250, () => sleep(250));
    expect(none).toEqual([]);
  });
});
