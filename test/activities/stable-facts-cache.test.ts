/**
 * The stable-facts cache alone, on a hand-driven clock: time to live, the usable test, keys, and its
 * bound on servers. The reads are counting stand-ins for OVH calls.
 */
import { STABLE_FACTS_TTL_MS, StableFactsCache } from '../../src/activities/stable-facts';

const EU = 'ovh-eu';

function setup(options: { maxServers?: number } = {}) {
  let now = 1_000_000;
  const cache = new StableFactsCache({ clock: () => now, ...options });
  let reads = 0;
  const readBoots = async () => {
    reads += 1;
    return [reads];
  };
  const boots = (serviceName: string, usable?: (ids: number[]) => boolean) =>
    cache.get(EU, serviceName, 'rescueBootIds', readBoots, usable);
  return {
    cache,
    boots,
    reads: () => reads,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('StableFactsCache', () => {
  it('keeps a fact for six hours, then reads it again', async () => {
    const { boots, reads, advance } = setup();
    expect(await boots('a.test.eu')).toEqual({ value: [1], cached: false });
    advance(STABLE_FACTS_TTL_MS - 1);
    expect(await boots('a.test.eu')).toEqual({ value: [1], cached: true });
    advance(1);
    expect(await boots('a.test.eu')).toEqual({ value: [2], cached: false });
    expect(reads()).toBe(2);
  });

  it('keys facts by endpoint and server', async () => {
    const { cache, boots } = setup();
    await boots('a.test.eu');
    expect(await boots('b.test.eu')).toMatchObject({ cached: false });
    expect(await cache.get('ovh-ca', 'a.test.eu', 'rescueBootIds', async () => [9])).toEqual({
      value: [9],
      cached: false,
    });
  });

  it('reads again, and keeps the new answer, when the cached value is not usable', async () => {
    const { boots } = setup();
    await boots('a.test.eu');
    expect(await boots('a.test.eu', () => false)).toEqual({ value: [2], cached: false });
    expect(await boots('a.test.eu')).toEqual({ value: [2], cached: true });
  });

  it('holds at most maxServers servers, dropping the least recently used', async () => {
    const { cache, boots } = setup({ maxServers: 2 });
    await boots('a.test.eu');
    await boots('b.test.eu');
    await boots('a.test.eu');
    await boots('c.test.eu');
    expect(cache.size).toBe(2);
    expect(await boots('a.test.eu')).toMatchObject({ cached: true });
    expect(await boots('b.test.eu')).toMatchObject({ cached: false });
  });

  it('sends one read for a fact asked for by several preflights at once', async () => {
    const { boots, reads } = setup();
    const answers = await Promise.all([boots('a.test.eu'), boots('a.test.eu'), boots('a.test.eu')]);
    expect(answers).toEqual([
      { value: [1], cached: false },
      { value: [1], cached: true },
      { value: [1], cached: true },
    ]);
    expect(reads()).toBe(1);
  });

  it('reads again when the shared answer of a read under way is not usable', async () => {
    const { boots, reads } = setup();
    const answers = await Promise.all([boots('a.test.eu'), boots('a.test.eu', () => false)]);
    expect(answers).toEqual([
      { value: [1], cached: false },
      { value: [2], cached: false },
    ]);
    expect(reads()).toBe(2);
  });

  it('keeps the harddisk boot IDs of an endpoint, whichever server listed them', () => {
    const { cache } = setup();
    cache.addHarddiskBoots(EU, [1]);
    cache.addHarddiskBoots(EU, [1, 7]);
    expect(cache.knownHarddiskBoots(EU)).toEqual([1, 7]);
    expect(cache.knownHarddiskBoots('ovh-ca')).toEqual([]);
  });
});
