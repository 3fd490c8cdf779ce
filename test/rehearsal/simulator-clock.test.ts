/**
 * The clock a rehearsing worker follows (REIMAGE_SIMULATOR_SPEED): read from a running simulator's side
 * door over HTTPS, then advanced at the simulator's speed; refused, naming the variable and the fix, when
 * the simulator runs at another speed or nothing answers.
 */
import { createServer } from 'node:net';
import { followSimulatorClock, isLoopbackEndpoint, SimulatorClockError } from '../../src/rehearsal/simulator-clock';
import type { Simulator } from '../../src/simulator';
import {} from '../simulator/sim-helpers';
import { startTestSimulator } from '../helpers/simulator';

const SPEED = 60;
let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({ speed: SPEED });
});
afterAll(() => sim.close());

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('followSimulatorClock', () => {
  it("tells the simulator's time at any real instant, within the reading's round trip", async () => {
    const before = sim.state.now();
    const clock = await followSimulatorClock(sim.url, sim.caCertPath, SPEED);
    const after = sim.state.now();
    expect(clock.speed).toBe(SPEED);
    // A simulated minute later is one real second later, on both clocks.
    const realNow = Date.now();
    const simNow = sim.state.now();
    expect(clock.at(realNow + 1000) - clock.at(realNow)).toBe(60_000);
    expect(Math.abs(clock.at(realNow) - simNow)).toBeLessThanOrEqual(after - before + SPEED);
  });

  it('refuses a simulator that runs at another speed, naming the one to set', async () => {
    await expect(followSimulatorClock(sim.url, sim.caCertPath, 20)).rejects.toThrow(
      new SimulatorClockError(
        `REIMAGE_SIMULATOR_SPEED is 20 but the simulator at ${sim.url} runs at speed 60: set REIMAGE_SIMULATOR_SPEED=60.`,
      ),
    );
  });

  it('says to start the simulator first when nothing answers at the endpoint', async () => {
    const endpoint = `https://127.0.0.1:${await closedPort()}/1.0`;
    await expect(followSimulatorClock(endpoint, sim.caCertPath, SPEED)).rejects.toThrow(
      new RegExp(
        `^REIMAGE_SIMULATOR_SPEED: the simulator at ${endpoint.replace(/\./g, '\\.')} did not answer GET /_sim/clock \\(connect ECONNREFUSED .*\\); start "reimage simulator --speed 60" first, or unset REIMAGE_SIMULATOR_SPEED\\.$`,
      ),
    );
  });
});

describe('isLoopbackEndpoint', () => {
  it('accepts HTTPS URLs on this machine only', () => {
    expect(
      ['https://localhost:8443/1.0', 'https://127.0.0.1:1/1.0', 'https://127.1.2.3/1.0', 'https://[::1]:8443/1.0'].map(
        isLoopbackEndpoint,
      ),
    ).toEqual([true, true, true, true]);
    expect(
      ['ovh-eu', 'https://eu.api.ovh.com/1.0', 'http://localhost:8443/1.0', 'https://localhost.example.com/1.0'].map(
        isLoopbackEndpoint,
      ),
    ).toEqual([false, false, false, false]);
  });
});
