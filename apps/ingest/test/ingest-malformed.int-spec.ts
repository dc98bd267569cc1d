import { request } from 'node:http';
import { RunningHttpService } from '@tagrelay/runtime';
import {
  createTestContext,
  probeService,
  seedConfig,
  TEST_WRITE_KEY,
  TestContext,
  testSite,
} from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';

/** Sends raw bytes, so a test can send what fetch() would refuse or fix. */
function postRaw(
  base: string,
  path: string,
  body: Buffer,
  contentType = 'application/json',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method: 'POST',
        headers: {
          'content-type': contentType,
          'x-api-key': TEST_WRITE_KEY,
          'content-length': body.length,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('ingest with malformed input', () => {
  let context: TestContext;
  let sut: RunningHttpService;

  beforeAll(async () => {
    context = createTestContext();
    await context.createTopics();
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [testSite()]);
    sut = await bootstrap(context.env());
  });

  afterAll(async () => {
    await sut?.close();
    await context.cleanup();
  });

  const cases: [string, number, string, Buffer][] = [
    ['truncated JSON', 400, 'invalid_body', Buffer.from('{"event": "purchase", "amount": 1')],
    ['an empty body', 400, 'invalid_body', Buffer.alloc(0)],
    [
      'invalid UTF-8',
      400,
      'invalid_body',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    ],
    ['a string instead of an object', 400, 'invalid_hit', json('purchase')],
    ['null', 400, 'invalid_hit', json(null)],
    [
      'an amount that is an object 4 levels deep',
      400,
      'invalid_hit',
      json({ amount: { a: { b: { c: { d: 1 } } } } }),
    ],
    [
      '10,000 levels of nesting',
      400,
      'invalid_hit',
      Buffer.from(`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`),
    ],
    ['a 3,000-character string', 400, 'invalid_hit', json({ note: 'x'.repeat(3000) })],
    ['a 1 MB string', 413, 'too_large', json({ note: 'x'.repeat(1_000_000) })],
    [
      'a thousand variables',
      400,
      'invalid_hit',
      json(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`v${i}`, i]))),
    ],
    ['a variable name with a space', 400, 'invalid_hit', json({ 'order id': 1 })],
    ['a 65-character variable name', 400, 'invalid_hit', json({ ['n'.repeat(65)]: 1 })],
    [
      'an array of 51 items',
      400,
      'invalid_hit',
      json({ items: Array.from({ length: 51 }, () => 1) }),
    ],
    ['__proto__ pollution', 400, 'invalid_hit', Buffer.from('{"__proto__": {"admin": true}}')],
    ['a body over the server limit', 413, 'too_large', Buffer.alloc(2 * 1024 * 1024, 0x20)],
  ];

  it.each(cases)('answers %s with %i %s and stays up', async (_case, status, code, body) => {
    const response = await postRaw(sut.url, '/v1/hit/shop/web', body);

    expect(response.status).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ error: { status, code } });
    expect((await probeService(sut.url)).health).toBe(200);
  });

  it('answers a bad form body and a bad batch item the same way', async () => {
    const form = await postRaw(
      sut.url,
      '/v1/hit/shop/web',
      Buffer.from('a=%E0%A4%A'),
      'application/x-www-form-urlencoded',
    );
    const batch = await postRaw(
      sut.url,
      '/v1/batch/shop/web',
      json({ hits: [{ ok: 1 }, 'nope', { n: Number.MAX_VALUE }] }),
    );

    expect(form.status).toBe(202);
    expect(batch.status).toBe(400);
    expect(JSON.parse(batch.body).error.items).toEqual([
      { index: 1, field: 'hits.1', message: 'hits.1: must be a JSON object' },
    ]);
  });
});
