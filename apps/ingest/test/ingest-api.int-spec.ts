import { get as httpGet } from 'node:http';
import { RunningHttpService } from '@tagrelay/runtime';
import {
  createTestContext,
  probeService,
  readTopic,
  seedConfig,
  TEST_WRITE_KEY,
  TestContext,
  testSite,
  waitFor,
} from '@tagrelay/testing';
import { ServerHitEnvelope, WebHitEnvelope } from '@tagrelay/contracts';
import { bootstrap } from '../src/bootstrap';

const json = { 'content-type': 'application/json' };
const auth = { ...json, 'x-api-key': TEST_WRITE_KEY };

describe('ingest API', () => {
  let context: TestContext;
  let sut: RunningHttpService;
  let url: string;

  const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    context = createTestContext();
    await context.createTopics();
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [
      testSite(),
      {
        ...testSite({ containerId: 'limited', rateLimitPerSecond: 2, ipAnonymization: 'none' }),
        siteId: 'slow',
      },
    ]);
    sut = await bootstrap(context.env({ CONFIG_REFRESH_MS: '200' }));
    url = sut.url;
  });

  afterAll(async () => {
    await sut?.close();
    await context.cleanup();
  });

  it('answers 202 with event ids only once the hits are on the broker, under the visitor key', async () => {
    const eventId = '0190a5a0-0000-7000-8000-000000000001';
    const single = await post('/v1/hit/shop/web', {
      event: 'purchase',
      user_id: 'u1',
      amount: 12.5,
      event_id: eventId,
    });
    const viaGet = await fetch(
      `${url}/v1/hit/shop/web?event=page_view&basket_id=b7&key=${TEST_WRITE_KEY}`,
    );
    const form = await fetch(`${url}/v1/hit/shop/web`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': TEST_WRITE_KEY },
      body: 'event=lead&user_id=u9',
    });
    const batch = await post('/v1/batch/shop/web', {
      hits: [{ event: 'a' }, { event: 'b', user_id: 'u2' }],
    });

    expect(single.status).toBe(202);
    expect(await single.json()).toEqual({ accepted: 1, eventIds: [eventId] });
    expect(viaGet.status).toBe(202);
    expect(form.status).toBe(202);
    expect(batch.status).toBe(202);
    const accepted = (await batch.json()) as { accepted: number; eventIds: string[] };
    expect(accepted.accepted).toBe(2);
    expect(accepted.eventIds[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );

    const messages = await readTopic<ServerHitEnvelope>(
      context.kafkaBrokers,
      `${context.topicPrefix}hits.server`,
      5,
    );
    const purchase = messages.find((message) => message.value.eventId === eventId)!;
    expect(purchase.key).toBe('shop:u1');
    expect(purchase.value).toMatchObject({
      v: 1,
      kind: 'server',
      siteId: 'shop',
      containerId: 'web',
      ip: '127.0.0.0',
      variables: { event: 'purchase', user_id: 'u1', amount: 12.5 },
      keys: { user_id: 'u1' },
    });
    expect(purchase.value.variables).not.toHaveProperty('event_id');
    const pageView = messages.find((message) => message.value.variables.event === 'page_view')!;
    expect(pageView.key).toBe('shop:b7');
    expect(pageView.value.variables).not.toHaveProperty('key');
    const anonymous = messages.find((message) => message.value.variables.event === 'a')!;
    expect(anonymous.key).toBe(`shop:${anonymous.value.eventId}`);
  });

  it('writes a web hit with only the configured cookies, its keys and consent; CORS for allowed origins', async () => {
    const origin = { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' };
    const preflight = await fetch(`${url}/v1/web/shop/web`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    const response = await post(
      '/v1/web/shop/web',
      {
        keys: { user_id: 'w1' },
        cookies: { _fbp: 'fb.1.123.456', secret_session: 'nope' },
        variables: { page_type: 'cart' },
        consent: { marketing: true, analytics: false },
        page: { url: 'https://shop.example/cart', referrer: 'https://google.example/' },
      },
      origin,
    );
    const pixel = await fetch(
      `${url}/v1/web/shop/web/p.gif?d=${encodeURIComponent(JSON.stringify({ keys: { user_id: 'w2' } }))}`,
      { headers: { referer: 'https://shop.example/product/1' } },
    );

    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    const [web, pixelHit] = (
      await readTopic<WebHitEnvelope>(context.kafkaBrokers, `${context.topicPrefix}hits.web`, 2)
    ).sort((a, b) => a.value.keys.user_id.localeCompare(b.value.keys.user_id));
    expect(web.key).toBe('shop:w1');
    expect(web.value).toMatchObject({
      kind: 'web',
      keys: { user_id: 'w1' },
      cookies: { _fbp: 'fb.1.123.456' },
      variables: { page_type: 'cart' },
      consent: { marketing: true, analytics: false },
      page: { url: 'https://shop.example/cart', referrer: 'https://google.example/' },
    });
    expect(web.value.cookies).not.toHaveProperty('secret_session');
    expect(pixelHit.key).toBe('shop:w2');
  });

  it('accepts the serverside<siteId>.<domain> host form', async () => {
    // NOTE: fetch() may not set Host; node:http does.
    const status = await getWithHost(
      `${url}/web/?event=legacy&user_id=l1&key=${TEST_WRITE_KEY}`,
      'serversideshop.example.com',
    );

    expect(status).toBe(202);
  });

  it.each([
    ['no write key', 401, 'missing_write_key', () => post('/v1/hit/shop/web', {}, json)],
    [
      'a wrong write key',
      401,
      'invalid_write_key',
      () => post('/v1/hit/shop/web', {}, { ...json, 'x-api-key': 'wrong_0123456789abcd' }),
    ],
    ['an unknown container', 404, 'unknown_container', () => post('/v1/hit/shop/nope', {})],
    ['an unknown site', 404, 'unknown_container', () => post('/v1/hit/other/web', {})],
    ['an unknown path', 404, 'not_found', () => fetch(`${url}/v2/nothing`)],
    [
      'the legacy form on another host',
      404,
      'not_found',
      () => fetch(`${url}/web/?event=x&key=${TEST_WRITE_KEY}`),
    ],
    [
      'a wrong method',
      405,
      'method_not_allowed',
      () => fetch(`${url}/v1/hit/shop/web`, { method: 'PUT', body: '{}' }),
    ],
    ['bad JSON', 400, 'invalid_body', () => post('/v1/hit/shop/web', '{"a":')],
    ['a JSON array', 400, 'invalid_hit', () => post('/v1/hit/shop/web', [1, 2])],
    [
      'a wrong media type',
      415,
      'unsupported_media_type',
      () => post('/v1/hit/shop/web', '<a/>', { ...auth, 'content-type': 'application/xml' }),
    ],
    [
      'a hit over 32 KB',
      413,
      'too_large',
      () => post('/v1/hit/shop/web', { a: 'x'.repeat(2000), ...bigHit() }),
    ],
    [
      'a batch over 500 hits',
      413,
      'too_large',
      () => post('/v1/batch/shop/web', { hits: Array.from({ length: 501 }, () => ({})) }),
    ],
    [
      'a batch over 1 MiB',
      413,
      'too_large',
      () => post('/v1/batch/shop/web', { hits: [{ a: 'x'.repeat(1024 * 1024) }] }),
    ],
    [
      'a web hit from another origin',
      403,
      'origin_not_allowed',
      () =>
        post(
          '/v1/web/shop/web',
          {},
          { 'content-type': 'text/plain', origin: 'https://evil.example' },
        ),
    ],
    [
      'a web hit without origin',
      403,
      'origin_not_allowed',
      () => post('/v1/web/shop/web', {}, { 'content-type': 'text/plain' }),
    ],
    [
      'a preflight from another origin',
      403,
      'origin_not_allowed',
      () =>
        fetch(`${url}/v1/web/shop/web`, {
          method: 'OPTIONS',
          headers: { origin: 'https://evil.example' },
        }),
    ],
    [
      'a web hit with an unknown field',
      400,
      'invalid_hit',
      () =>
        post(
          '/v1/web/shop/web',
          { cookie: {} },
          { 'content-type': 'text/plain', origin: 'https://shop.example' },
        ),
    ],
    [
      'an invalid event_id',
      400,
      'invalid_hit',
      () => post('/v1/hit/shop/web', { event_id: 'abc' }),
    ],
  ] as const)('answers %s with %i %s and a JSON error', async (_case, status, code, send) => {
    const response = await send();

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as {
      error: { status: number; code: string; message: string };
    };
    expect(body.error).toMatchObject({ status, code });
    expect(body.error.message.length).toBeGreaterThan(5);
    if (status === 405) expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('names the bad field, and every bad item of a batch, writing nothing of the batch', async () => {
    const single = await post('/v1/hit/shop/web', { amount: { a: { b: { c: { d: 1 } } } } });
    const batch = await post('/v1/batch/shop/web', {
      hits: [
        { event: 'ok', user_id: 'batch-never-written' },
        { 'bad name': 1 },
        { ok: true },
        { n: 'x'.repeat(3000) },
      ],
    });

    expect(await single.json()).toMatchObject({
      error: { code: 'invalid_hit', field: 'body.amount.a.b.c' },
    });
    expect(batch.status).toBe(400);
    expect(await batch.json()).toMatchObject({
      error: {
        code: 'invalid_batch',
        items: [
          { index: 1, field: 'hits.1.bad name' },
          { index: 3, field: 'hits.3.n' },
        ],
      },
    });
    const written = await readTopic<ServerHitEnvelope>(
      context.kafkaBrokers,
      `${context.topicPrefix}hits.server`,
      1,
      { settleMs: 500 },
    );
    expect(written.some((message) => message.value.keys.user_id === 'batch-never-written')).toBe(
      false,
    );
  });

  it('answers 429 with Retry-After over the container rate limit', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const response = await post('/v1/hit/slow/limited', { n: i });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }

    expect(statuses.slice(0, 2)).toEqual([202, 202]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('serves the browser tag under 2 KB, the OpenAPI document, and readiness', async () => {
    const tag = await fetch(`${url}/v1/tag/shop/web.js`);
    const docs = await fetch(`${url}/docs`);
    const probe = await probeService(url);

    expect(tag.status).toBe(200);
    expect(tag.headers.get('content-type')).toMatch(/javascript/);
    const source = await tag.text();
    expect(Buffer.byteLength(source)).toBeLessThan(2048);
    expect(source).toContain('"/v1/web/shop/web"');
    expect(source).not.toMatch(/document\.cookie\s*=/);
    expect(docs.status).toBe(200);
    expect(await docs.json()).toMatchObject({
      openapi: '3.1.0',
      paths: { '/v1/batch/{siteId}/{containerId}': {} },
    });
    expect(probe.readiness).toEqual({
      status: 200,
      ready: true,
      checks: { kafka: true, mongodb: true, configuration: true },
    });
  });

  it('sees a new container within the refresh period, without a restart', async () => {
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [
      { ...testSite({ containerId: 'fresh' }), siteId: 'newsite' },
    ]);

    await waitFor(
      'the new container to be accepted',
      async () => (await post('/v1/hit/newsite/fresh', {})).status === 202,
      {
        timeoutMs: 10_000,
      },
    );
  });
});

function getWithHost(target: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet(target, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

/** Variables that together exceed 32 KB while each stays within its own limits. */
function bigHit(): Record<string, string> {
  return Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`v${i}`, 'y'.repeat(2000)]));
}
