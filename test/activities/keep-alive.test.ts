import { Context } from '@temporalio/activity';
import { beat, keepAlive } from '../../src/activities/deps';
import { mockEnv } from './helpers/harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('keepAlive', () => {
  it("repeats the previous attempt's details until the activity heartbeats its own, then repeats those", async () => {
    const env = mockEnv({ heartbeatTimeoutMs: 300, heartbeatDetails: { maxTaskIdBeforePost: 7 } });
    const beats: unknown[] = [];
    env.on('heartbeat', (details) => beats.push(details));
    const result = await env.run(() =>
      keepAlive(async () => {
        await sleep(350); // busy elsewhere (a rate-budget wait, a slow call): no heartbeat of its own
        beat({ maxTaskIdBeforePost: 9 });
        await sleep(350);
        return Context.current().info.attempt;
      }),
    );
    expect(result).toBe(1);
    const own = beats.findIndex((details) => JSON.stringify(details) === '{"maxTaskIdBeforePost":9}');
    expect(own).toBeGreaterThanOrEqual(2); // at least two keep-alive beats (every 100 ms) before it
    expect(beats.slice(0, own)).toEqual(Array(own).fill({ maxTaskIdBeforePost: 7 }));
    expect(beats.length).toBeGreaterThan(own + 1);
    expect(beats.slice(own)).toEqual(Array(beats.length - own).fill({ maxTaskIdBeforePost: 9 }));
  });

  it('stops heartbeating when the body ends, and adds nothing without a heartbeat timeout', async () => {
    const env = mockEnv({ heartbeatTimeoutMs: 300 });
    const beats: unknown[] = [];
    env.on('heartbeat', (details) => beats.push(details));
    await env.run(() => keepAlive(() => sleep(250)));
    const count = beats.length;
    await sleep(300);
    expect(beats).toHaveLength(count);

    const silent = mockEnv({ heartbeatTimeoutMs: 0 });
    const none: unknown[] = [];
    silent.on('heartbeat', (details) => none.push(details));
    await silent.run(() => keepAlive(() => sleep(250)));
    expect(none).toEqual([]);
  });
});
