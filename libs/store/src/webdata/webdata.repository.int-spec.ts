import { Connection } from 'mongoose';
import { createTestContext, TestContext } from '@tagrelay/testing';
import { connectMongo } from '../mongo.connection';
import { webDataId } from './webdata.keys';
import { WebDataRepository } from './webdata.repository';
import { WebData } from './webdata.schema';

const key = { siteId: 'shop', name: 'user_id', value: 'u1' };

function hit(atMs: number, cookies: Record<string, string>, ttlMs = 3_600_000): WebData {
  const at = new Date(atMs);
  return {
    key,
    cookies: Object.fromEntries(
      Object.entries(cookies).map(([name, value]) => [name, { at, value }]),
    ),
    variables: { 'cart.value': { at, value: atMs } },
    consent: { marketing: { at, value: true } },
    page: { at, url: `https://shop.example/${atMs}`, referrer: null },
    collectedAt: at,
    expiresAt: new Date(atMs + ttlMs),
  };
}

describe(WebDataRepository.name, () => {
  let context: TestContext;
  let connection: Connection;
  let sut: WebDataRepository;

  beforeAll(async () => {
    context = createTestContext();
    connection = await connectMongo({ uri: context.mongodbUri, database: context.database });
    sut = new WebDataRepository(connection);
  });

  afterEach(async () => {
    await connection.collection('webdata').deleteMany({});
  });

  afterAll(async () => {
    await connection.close();
    await context.cleanup();
  });

  it('merges hits newest value per field, in any order, and a replay changes nothing', async () => {
    const now = Date.now();
    const first = hit(now - 2000, { _fbp: 'fbp-old', _ga: 'ga' });
    const second = hit(now - 1000, { _fbp: 'fbp-new' });

    expect(await sut.merge([second], new Date())).toEqual({ inserted: 1, merged: 0 });
    expect(await sut.merge([first], new Date())).toEqual({ inserted: 0, merged: 1 });
    await sut.merge([first, second], new Date());
    const stored = (await sut.findLive([key], new Date())).get(webDataId(key))!;

    expect(stored.cookies).toEqual({
      _fbp: { at: new Date(now - 1000), value: 'fbp-new' },
      _ga: { at: new Date(now - 2000), value: 'ga' },
    });
    expect(stored.variables).toEqual({
      'cart.value': { at: new Date(now - 1000), value: now - 1000 },
    });
    expect(stored.page?.url).toBe(`https://shop.example/${now - 1000}`);
    expect(stored.collectedAt).toEqual(new Date(now - 1000));
    expect(stored.expiresAt).toEqual(new Date(now - 1000 + 3_600_000));
    expect(await connection.collection('webdata').countDocuments()).toBe(1);
  });

  it('never returns data past expiresAt, and does not bring expired values back', async () => {
    const now = Date.now();
    await sut.merge([hit(now - 10_000, { _ga: 'expired' }, 5000)], new Date(now - 10_000));

    expect((await sut.findLive([key], new Date())).size).toBe(0);

    await sut.merge([hit(now, { _fbp: 'fresh' })], new Date());
    const stored = (await sut.findLive([key], new Date())).get(webDataId(key))!;

    expect(stored.cookies).toEqual({ _fbp: { at: new Date(now), value: 'fresh' } });
  });
});
