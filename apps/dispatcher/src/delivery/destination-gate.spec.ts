import { DestinationGate, FAILURES_TO_PAUSE } from './destination-gate';

describe(DestinationGate.name, () => {
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('lets at most `concurrency` requests through, first come first served', async () => {
    const sut = new DestinationGate({ concurrency: 2, ratePerSecond: 0 }, 1000);
    const order: number[] = [];
    const waiters = [1, 2, 3, 4].map((n) => sut.acquire().then(() => order.push(n)));

    await flush();
    expect(order).toEqual([1, 2]);
    sut.release();
    await flush();
    expect(order).toEqual([1, 2, 3]);
    sut.configure({ concurrency: 3, ratePerSecond: 0 });
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('spaces requests to the rate limit', async () => {
    const sut = new DestinationGate({ concurrency: 10, ratePerSecond: 20 }, 1000);
    const started = Date.now();

    for (let i = 0; i < 5; i++) await sut.acquire();

    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 50 - 5);
  });

  it('pauses after a request used up its attempts, then lets one probe decide', async () => {
    const sut = new DestinationGate({ concurrency: 10, ratePerSecond: 0 }, 100);

    sut.failed('HTTP 503', null);
    const paused = await sut.admit();
    expect(paused).toMatchObject({ kind: 'paused', reason: 'HTTP 503' });
    expect((paused as { remainingMs: number }).remainingMs).toBeGreaterThan(50);

    await new Promise((resolve) => setTimeout(resolve, 110));
    expect(await sut.admit()).toEqual({ kind: 'probe' });
    let other: unknown = null;
    void sut.admit().then((admission) => (other = admission));
    await flush();
    expect(other).toBeNull();
    sut.succeeded();
    await flush();
    expect(other).toEqual({ kind: 'go' });
  });

  it('keeps the pause when the probe fails, at least as long as Retry-After', async () => {
    const sut = new DestinationGate({ concurrency: 10, ratePerSecond: 0 }, 10);
    sut.failed('HTTP 503', null);
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect((await sut.admit()).kind).toBe('probe');

    sut.failed('HTTP 429', 5000);

    const admission = await sut.admit();
    expect(admission).toMatchObject({ kind: 'paused', reason: 'HTTP 429' });
    expect((admission as { remainingMs: number }).remainingMs).toBeGreaterThan(4900);
  });

  it('after a failed attempt lets one request at a time go, and pauses after a run of failures', async () => {
    const sut = new DestinationGate({ concurrency: 4, ratePerSecond: 0 }, 1000);
    await sut.acquire();
    expect(sut.attemptFailed('timeout', null)).toBe(false);
    sut.release();
    await sut.acquire();
    let second = false;
    void sut.acquire().then(() => (second = true));
    await flush();
    expect(second).toBe(false);

    for (let i = 1; i < FAILURES_TO_PAUSE - 1; i++)
      expect(sut.attemptFailed('timeout', null)).toBe(false);
    expect(sut.attemptFailed('timeout', null)).toBe(true);
    expect((await sut.admit()).kind).toBe('paused');
    sut.succeeded();
    await flush();
    expect(second).toBe(true);
  });
});
