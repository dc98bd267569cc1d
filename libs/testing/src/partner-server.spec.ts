import { PartnerServer } from './partner-server';

describe(PartnerServer.name, () => {
  let sut: PartnerServer;
  const post = (body: unknown, signal?: AbortSignal) =>
    fetch(`${sut.url}/v1/events?token=t`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
      body: JSON.stringify(body),
      signal,
    });

  beforeEach(async () => {
    sut = await PartnerServer.start();
  });

  afterEach(async () => {
    await sut.close();
  });

  it('records every request and answers as told: queued one-shots first, then the default', async () => {
    sut.fail(503).next(1, { kind: 'throttle', retryAfterSeconds: 3 });

    const throttled = await post({ n: 1 });
    const failed = await post({ n: 2 });
    sut.succeed(0, 202, { ok: true });
    const accepted = await post({ n: 3 });

    expect([throttled.status, failed.status, accepted.status]).toEqual([429, 503, 202]);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(await accepted.json()).toEqual({ ok: true });
    expect(sut.requests.map((request) => request.json)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(sut.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/events',
      query: { token: 't' },
      headers: expect.objectContaining({ 'x-test': 'yes' }),
      status: 429,
    });
    expect(sut.accepted).toHaveLength(1);
  });

  it('answers after a delay, or hangs until the client gives up', async () => {
    sut.succeed(150);
    const started = performance.now();
    await post({});
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);

    sut.hang();
    await expect(post({}, AbortSignal.timeout(200))).rejects.toThrow();
    expect(sut.requests[1].status).toBeNull();
  });
});
