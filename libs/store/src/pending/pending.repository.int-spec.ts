import { Connection } from 'mongoose';
import { createTestContext, TestContext } from '@tagrelay/testing';
import { connectMongo } from '../mongo.connection';
import { PendingRepository } from './pending.repository';
import { ParkedHit } from './pending.schema';

const parkedAt = new Date();

function parked(eventId: string, deadline: Date, keyValue = `u-${eventId}`): ParkedHit {
  return {
    eventId,
    siteId: 'shop',
    containerId: 'web',
    keys: [{ siteId: 'shop', name: 'user_id', value: keyValue }],
    messageKey: `shop:${keyValue}`,
    envelope: JSON.stringify({ eventId, variables: { 'a.b': 1 } }),
    parkedAt,
    deadline,
  };
}

describe(PendingRepository.name, () => {
  let context: TestContext;
  const connections: Connection[] = [];
  let sut: PendingRepository;
  let other: PendingRepository;

  beforeAll(async () => {
    context = createTestContext();
    const mongo = { uri: context.mongodbUri, database: context.database };
    connections.push(await connectMongo(mongo), await connectMongo(mongo));
    sut = new PendingRepository(connections[0]);
    other = new PendingRepository(connections[1]);
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    await context.cleanup();
  });

  it('parks a hit once, finds it by key and when due, and forgets it on remove', async () => {
    const past = new Date(Date.now() - 1000);
    const future = new Date(Date.now() + 60_000);

    expect(await sut.park([parked('e1', past, 'k1'), parked('e2', future, 'k2')], 60_000)).toBe(2);
    expect(await sut.park([parked('e1', past, 'k1')], 60_000)).toBe(0);

    const waiting = await sut.findWaitingOn([{ siteId: 'shop', name: 'user_id', value: 'k2' }], 10);
    expect(waiting.map((hit) => hit.eventId)).toEqual(['e2']);
    expect(waiting[0]).toEqual(parked('e2', future, 'k2'));
    expect(
      await sut.findWaitingOn([{ siteId: 'other-site', name: 'user_id', value: 'k2' }], 10),
    ).toEqual([]);
    expect((await sut.findDue(new Date(), 10)).map((hit) => hit.eventId)).toEqual(['e1']);
    expect(await sut.remove(['e1', 'e2'])).toBe(2);
    expect(await sut.findDue(new Date(Date.now() + 120_000), 10)).toEqual([]);
  });

  it('lets exactly one of two concurrent claimers win each hit', async () => {
    const eventIds = Array.from({ length: 200 }, (_, i) => `race-${i}`);
    const terms = (owner: string) => ({ owner, now: new Date(), leaseMs: 30_000 });

    const [mine, theirs] = await Promise.all([
      sut.claim(eventIds, terms('a')),
      other.claim([...eventIds].reverse(), terms('b')),
    ]);

    expect(mine.length + theirs.length).toBe(200);
    expect(new Set([...mine, ...theirs]).size).toBe(200);
    expect(await sut.claim(eventIds, terms('c'))).toEqual([]);
  });

  it('hands a claim over once its lease has passed, to one claimer only', async () => {
    await sut.claim(['stale'], { owner: 'dead', now: new Date(Date.now() - 5000), leaseMs: 1000 });

    const [a, b] = await Promise.all([
      sut.claim(['stale'], { owner: 'a', now: new Date(), leaseMs: 1000 }),
      other.claim(['stale'], { owner: 'b', now: new Date(), leaseMs: 1000 }),
    ]);

    expect([...a, ...b]).toEqual(['stale']);
  });
});
