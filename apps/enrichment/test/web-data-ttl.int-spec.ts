import { Connection } from 'mongoose';
import { RunningHttpService } from '@tagrelay/runtime';
import { waitFor } from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';
import { EnrichmentTestbed, openEnrichmentTestbed, serverHit, webHit } from './enrichment-fixtures';

/** The container keeps web data this long (the schema's default, 24 h). */
const TTL_MS = 86_400_000;

describe('web data TTL', () => {
  let testbed: EnrichmentTestbed;
  let sut: RunningHttpService;
  let connection: Connection;
  let hits: EnrichmentTestbed['hits'];
  let enriched: EnrichmentTestbed['enriched'];

  beforeAll(async () => {
    testbed = await openEnrichmentTestbed();
    ({ connection, hits, enriched } = testbed);
    // A short sweep period: where the server has no TTL index, a sweeper deletes.
    sut = await bootstrap(testbed.context.env({ MONGODB_TTL_SWEEP_MS: '300' }));
  });

  afterAll(() => testbed?.close([sut]));

  it('deletes web data after its TTL and never joins it again', async () => {
    const stored = (id: string) =>
      connection.collection<{ _id: string }>('webdata').countDocuments({ _id: id });
    // Received almost a TTL ago: expires in 3 s. The other one stays for a day.
    await hits.write([
      webHit(
        { user_id: 'short' },
        { receivedAt: new Date(Date.now() - TTL_MS + 3000).toISOString() },
      ),
      webHit({ user_id: 'long' }),
    ]);
    await waitFor(
      'both stored',
      async () => (await stored('shop:user_id:short')) + (await stored('shop:user_id:long')) === 2,
    );
    const beforeExpiry = serverHit({ user_id: 'short' });
    await hits.write([beforeExpiry]);
    expect((await enriched.waitFor(beforeExpiry.eventId)).event.enrichment).toBe('matched');

    // MongoDB's TTL monitor runs once a minute; the sweeper every 300 ms here.
    await waitFor(
      'the expired web data to be deleted',
      async () => (await stored('shop:user_id:short')) === 0,
      {
        timeoutMs: 90_000,
        intervalMs: 200,
      },
    );
    const afterExpiry = serverHit({ user_id: 'short' });
    const stillLive = serverHit({ user_id: 'long' });
    await hits.write([afterExpiry, stillLive]);

    expect((await enriched.waitFor(afterExpiry.eventId)).event).toMatchObject({
      enrichment: 'miss',
      web: null,
    });
    expect((await enriched.waitFor(stillLive.eventId)).event.enrichment).toBe('matched');
    expect(await stored('shop:user_id:long')).toBe(1);
  });
});
