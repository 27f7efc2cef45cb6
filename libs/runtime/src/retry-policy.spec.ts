import { retryDelay, withRetry } from './retry-policy';

describe(retryDelay.name, () => {
  it('grows exponentially within [min·factor^(n-1), 2·min·factor^(n-1)] and stops at the max', () => {
    for (let i = 0; i < 50; i++) {
      const first = retryDelay(1, { minMs: 100, maxMs: 10_000 });
      const third = retryDelay(3, { minMs: 100, maxMs: 10_000 });
      expect(first).toBeGreaterThanOrEqual(100);
      expect(first).toBeLessThanOrEqual(200);
      expect(third).toBeGreaterThanOrEqual(400);
      expect(third).toBeLessThanOrEqual(800);
      expect(retryDelay(30, { minMs: 100, maxMs: 10_000 })).toBe(10_000);
    }
  });
});

describe(withRetry.name, () => {
  it('retries what is retryable and gives up on the rest at once', async () => {
    let calls = 0;
    const flaky = () => (++calls < 3 ? Promise.reject(new Error('throttled')) : Promise.resolve('ok'));
    await expect(withRetry(flaky, { retries: 5, minMs: 1, maxMs: 2 }, () => true)).resolves.toBe('ok');
    expect(calls).toBe(3);

    calls = 0;
    const denied = () => (++calls, Promise.reject(new Error('denied')));
    await expect(withRetry(denied, { retries: 5, minMs: 1, maxMs: 2 }, () => false)).rejects.toThrow(
      'denied',
    );
    expect(calls).toBe(1);
  });
});
