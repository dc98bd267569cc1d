import { Connection, Schema } from 'mongoose';
import pino from 'pino';
import { createTestContext, TestContext, waitFor } from '@tagrelay/testing';
import { connectMongo } from './mongo.connection';
import { ensureTtlIndex, TtlHandle } from './ttl-index';

const logger = pino({ level: 'warn' });

interface Visit {
  siteId: string;
  key: string;
  cookies: Record<string, string>;
  hits: number;
  expiresAt: Date;
}

const visitSchema = new Schema<Visit>(
  {
    siteId: { type: String, required: true },
    key: { type: String, required: true },
    cookies: { type: Schema.Types.Mixed, default: {} },
    hits: { type: Number, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

describe('store', () => {
  let context: TestContext;
  let connection: Connection;
  const handles: TtlHandle[] = [];

  beforeAll(async () => {
    context = createTestContext();
    connection = await connectMongo({ uri: context.mongodbUri, database: context.database });
  });

  afterAll(async () => {
    handles.forEach((handle) => handle.stop());
    await connection.close();
    await context.cleanup();
  });

  it('upserts documents in bulk and reads them back as plain objects', async () => {
    const Visits = connection.model('Visit', visitSchema, 'visits');
    const expiresAt = new Date(Date.now() + 3_600_000);
    const upsert = (key: string, cookies: Record<string, string>) => ({
      updateOne: {
        filter: { siteId: 's1', key },
        update: { $set: { expiresAt, ...prefixed('cookies', cookies) }, $inc: { hits: 1 } },
        upsert: true,
      },
    });

    await Visits.bulkWrite([upsert('u1', { _fbp: 'a' }), upsert('u2', { _ga: 'b' })]);
    await Visits.bulkWrite([upsert('u1', { _fbc: 'c' })]);
    const sut = await Visits.find({ siteId: 's1', key: { $in: ['u1', 'u2'] } })
      .sort({ key: 1 })
      .lean();

    expect(sut.map(({ key, cookies, hits }) => ({ key, cookies, hits }))).toEqual([
      { key: 'u1', cookies: { _fbp: 'a', _fbc: 'c' }, hits: 2 },
      { key: 'u2', cookies: { _ga: 'b' }, hits: 1 },
    ]);
    expect(sut[0]).not.toHaveProperty('save');
  });

  it('expires a document through the TTL helper (native index or sweeper)', async () => {
    const Expiring = connection.model('Expiring', visitSchema, 'expiring');
    const handle = await ensureTtlIndex(Expiring, {
      field: 'expiresAt',
      sweepIntervalMs: 200,
      logger,
    });
    handles.push(handle);
    await Expiring.create([
      { siteId: 's1', key: 'short', expiresAt: new Date(Date.now() + 1000) },
      { siteId: 's1', key: 'long', expiresAt: new Date(Date.now() + 3_600_000) },
    ]);

    // MongoDB's TTL monitor runs once a minute; the sweeper every 200 ms here.
    await waitFor(
      'the short-lived document to expire',
      async () => (await Expiring.countDocuments({ key: 'short' })) === 0,
      { timeoutMs: handle.mode === 'native' ? 130_000 : 10_000, intervalMs: 100 },
    );

    expect(await Expiring.countDocuments({ key: 'long' })).toBe(1);
    expect(['native', 'sweeper']).toContain(handle.mode);
  });
});

function prefixed(prefix: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [`${prefix}.${name}`, value]),
  );
}
