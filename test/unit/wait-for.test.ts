import { waitFor, waitForValue } from '../helpers/wait-for';

// A controlled clock: the deadline and the polling interval pass only when a test advances the time.
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('waitForValue', () => {
  it('returns the first value that satisfies the condition', async () => {
    let reads = 0;
    const value = waitForValue(
      () => ++reads,
      (n) => n === 3,
      { what: 'the third read', everyMs: 10 },
    );
    await jest.advanceTimersByTimeAsync(20);
    await expect(value).resolves.toBe(3);
    expect(reads).toBe(3);
  });

  it('fails after the deadline naming what it awaited and the last value it read', async () => {
    let reads = 0;
    const value = waitForValue(
      () => ({ reads: ++reads }),
      () => false,
      { what: 'a condition that never holds', timeoutMs: 100, everyMs: 25, show: (v) => v.reads },
    );
    const failure = expect(value).rejects.toThrow(
      new Error('Timed out after 100 ms waiting for a condition that never holds; last seen: 5'),
    );
    await jest.advanceTimersByTimeAsync(100);
    await failure;
  });

  it('counts a read that throws as not yet only when told to', async () => {
    let reads = 0;
    const read = () => {
      if (++reads < 3) throw new Error('not started yet');
      return reads;
    };
    await expect(waitForValue(read, () => true, { what: 'a started workflow' })).rejects.toThrow('not started yet');
    reads = 0;
    const value = waitForValue(read, () => true, { what: 'a started workflow', everyMs: 10, ignoreErrors: true });
    await jest.advanceTimersByTimeAsync(20);
    await expect(value).resolves.toBe(3);
  });
});

describe('waitFor', () => {
  it('shows the last error when the condition kept throwing', async () => {
    const done = waitFor(
      () => {
        throw new Error('connection refused');
      },
      { what: 'the server to listen', timeoutMs: 50, everyMs: 25, ignoreErrors: true },
    );
    const failure = expect(done).rejects.toThrow(
      new Error(
        'Timed out after 50 ms waiting for the server to listen; last seen: an error: Error: connection refused',
      ),
    );
    await jest.advanceTimersByTimeAsync(50);
    await failure;
  });
});
