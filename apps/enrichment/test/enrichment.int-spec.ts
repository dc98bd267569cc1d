import { Connection } from 'mongoose';
import { deadLetterTopic, PIPELINE_TOPICS } from '@tagrelay/contracts';
import { RunningHttpService } from '@tagrelay/runtime';
import { PendingRepository, WebDataRepository } from '@tagrelay/store';
import { probeService, readTopic, TestContext, testSite, waitFor } from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';
import {
  EnrichmentTestbed,
  keyOf,
  openEnrichmentTestbed,
  serverHit,
  webHit,
} from './enrichment-fixtures';

const MATCH_WINDOW_MS = 2500;

describe('enrichment service', () => {
  let testbed: EnrichmentTestbed;
  let context: TestContext;
  let sut: RunningHttpService;
  let connection: Connection;
  let webData: WebDataRepository;
  let pending: PendingRepository;
  let hits: EnrichmentTestbed['hits'];
  let enriched: EnrichmentTestbed['enriched'];

  /** Web data is stored (so a server hit consumed now finds it). */
  const stored = (siteId: string, name: string, value: string) =>
    waitFor(`web data of ${name}=${value}`, async () => {
      const found = await webData.findLive([{ siteId, name, value }], new Date());
      return found.size === 1;
    });

  beforeAll(async () => {
    testbed = await openEnrichmentTestbed({
      sites: [testSite(), { ...testSite({ matchWindowMs: MATCH_WINDOW_MS }), siteId: 'late-shop' }],
    });
    ({ context, connection, hits, enriched } = testbed);
    sut = await bootstrap(context.env({ ENRICHMENT_PENDING_SWEEP_MS: '200' }));
    webData = new WebDataRepository(connection);
    pending = new PendingRepository(connection);
  });

  afterAll(() => testbed?.close([sut]));

  it('answers health, readiness and metrics', async () => {
    const probe = await probeService(sut.url);

    expect(probe.health).toBe(200);
    expect(probe.readiness).toEqual({ status: 200, ready: true, checks: expect.any(Object) });
    expect(Object.keys(probe.readiness.checks).sort()).toEqual([
      'configuration',
      'consumer',
      'kafka',
      'mongodb',
    ]);
    expect(probe.metrics.body).toContain('tagrelay_enrichment_store_seconds');
  });

  it('joins a server hit with the web data of its key, under the hit key', async () => {
    const web = webHit(
      { user_id: 'm1' },
      { cookies: { _fbp: 'fb.1.2.3', _ga: 'GA1.1' }, consent: { marketing: true } },
    );
    await hits.write([web]);
    await stored('shop', 'user_id', 'm1');
    const server = serverHit({ user_id: 'm1' });
    await hits.write([server]);

    const { key, event } = await enriched.waitFor(server.eventId);

    expect(key).toBe('shop:m1');
    expect(event).toEqual({
      ...server,
      enrichment: 'matched',
      enrichedAt: expect.any(String),
      web: {
        matchedKey: { name: 'user_id', value: 'm1' },
        cookies: { _fbp: 'fb.1.2.3', _ga: 'GA1.1' },
        variables: { page_type: 'cart' },
        consent: { marketing: true },
        page: { url: 'https://shop.example/cart', referrer: null },
        collectedAt: web.receivedAt,
      },
    });
  });

  it('sends a hit without web data as a miss, with or without keys', async () => {
    const unknownKey = serverHit({ user_id: 'never-seen' });
    const noKey = serverHit({});
    await hits.write([unknownKey, noKey]);

    const [withKey, withoutKey] = await Promise.all([
      enriched.waitFor(unknownKey.eventId),
      enriched.waitFor(noKey.eventId),
    ]);

    expect(withKey.event).toMatchObject({ enrichment: 'miss', web: null });
    expect(withoutKey.event).toMatchObject({ enrichment: 'miss', web: null });
    expect(withoutKey.key).toBe(`shop:${noKey.eventId}`);
  });

  it('takes the first key in the container order that has web data', async () => {
    await hits.write([
      webHit({ basket_id: 'b1' }, { cookies: { _ga: 'from-basket' } }),
      webHit({ user_id: 'u7' }, { cookies: { _ga: 'from-user' } }),
    ]);
    await Promise.all([stored('shop', 'basket_id', 'b1'), stored('shop', 'user_id', 'u7')]);
    const both = serverHit({ user_id: 'u7', basket_id: 'b1' });
    const basketOnly = serverHit({ user_id: 'u-unknown', basket_id: 'b1' });
    await hits.write([both, basketOnly]);

    const [first, second] = await Promise.all([
      enriched.waitFor(both.eventId),
      enriched.waitFor(basketOnly.eventId),
    ]);

    expect(first.event.web).toMatchObject({
      matchedKey: { name: 'user_id', value: 'u7' },
      cookies: { _ga: 'from-user' },
    });
    expect(second.event.web).toMatchObject({
      matchedKey: { name: 'basket_id', value: 'b1' },
      cookies: { _ga: 'from-basket' },
    });
  });

  it('merges two web hits of one key, newest value per field, whatever their arrival order', async () => {
    const older = new Date(Date.now() - 5000).toISOString();
    const newer = new Date(Date.now() - 1000).toISOString();
    // The newer hit arrives first: the time of each value decides, not arrival.
    await hits.write([
      webHit(
        { user_id: 'merge-1', basket_id: 'merge-b' },
        { receivedAt: newer, cookies: { _fbp: 'new' }, consent: { marketing: false } },
      ),
    ]);
    await stored('shop', 'user_id', 'merge-1');
    await hits.write([
      webHit(
        { user_id: 'merge-1' },
        { receivedAt: older, cookies: { _fbp: 'old', _ga: 'kept' }, variables: { cart: 3 } },
      ),
    ]);
    await waitFor('the older hit to be merged', async () => {
      const found = await webData.findLive(
        [{ siteId: 'shop', name: 'user_id', value: 'merge-1' }],
        new Date(),
      );
      return [...found.values()][0]?.cookies._ga !== undefined;
    });
    const byUser = serverHit({ user_id: 'merge-1' });
    const byBasket = serverHit({ basket_id: 'merge-b' });
    await hits.write([byUser, byBasket]);

    const [user, basket] = await Promise.all([
      enriched.waitFor(byUser.eventId),
      enriched.waitFor(byBasket.eventId),
    ]);

    expect(user.event.web).toMatchObject({
      cookies: { _fbp: 'new', _ga: 'kept' },
      variables: { page_type: 'cart', cart: 3 },
      consent: { marketing: false },
      collectedAt: newer,
    });
    // A web hit with two keys is stored under both.
    expect(basket.event.web).toMatchObject({
      matchedKey: { name: 'basket_id', value: 'merge-b' },
      cookies: { _fbp: 'new' },
    });
  });

  it('parks a server hit without web data and releases it as late when its web hit comes', async () => {
    const server = serverHit({ user_id: 'late-1' }, { siteId: 'late-shop' });
    await hits.write([server]);
    await waitFor('the hit to be parked', async () => {
      const parked = await pending.findWaitingOn(
        [{ siteId: 'late-shop', name: 'user_id', value: 'late-1' }],
        10,
      );
      return parked.length === 1;
    });
    await hits.write([webHit({ user_id: 'late-1' }, { siteId: 'late-shop' })]);

    const { key, event } = await enriched.waitFor(server.eventId);
    const emittedAfterMs = Date.now() - Date.parse(server.receivedAt);

    expect(key).toBe('late-shop:late-1');
    expect(event).toMatchObject({
      eventId: server.eventId,
      enrichment: 'late',
      web: { matchedKey: { name: 'user_id', value: 'late-1' }, cookies: { _fbp: 'fb.1.1.1' } },
    });
    expect(emittedAfterMs).toBeLessThan(MATCH_WINDOW_MS);
    expect(
      await pending.findWaitingOn([{ siteId: 'late-shop', name: 'user_id', value: 'late-1' }], 10),
    ).toEqual([]);
  });

  it('sends a parked hit as a miss once its window passed, once', async () => {
    const server = serverHit({ user_id: 'late-never' }, { siteId: 'late-shop' });
    await hits.write([server]);

    const { event } = await enriched.waitFor(server.eventId);
    const emittedAfterMs = Date.now() - Date.parse(server.receivedAt);

    expect(event).toMatchObject({ enrichment: 'miss', web: null });
    expect(emittedAfterMs).toBeGreaterThanOrEqual(MATCH_WINDOW_MS);
    // A web hit after the window changes nothing: the hit went out already.
    await hits.write([webHit({ user_id: 'late-never' }, { siteId: 'late-shop' })]);
    await stored('late-shop', 'user_id', 'late-never');
    const marker = serverHit({});
    await hits.write([marker]);
    await enriched.waitFor(marker.eventId);
    expect(enriched.eventsOf(server.eventId)).toHaveLength(1);
  });

  it('never joins web data past its expiresAt, even while the document is still stored', async () => {
    // The container keeps web data 86,400 s: a hit received 86,398 s ago expires in 2 s.
    const receivedAt = new Date(Date.now() - 86_398_000).toISOString();
    await hits.write([webHit({ user_id: 'expiring' }, { receivedAt })]);
    await stored('shop', 'user_id', 'expiring');
    const expiresAt = Date.parse(receivedAt) + 86_400_000;
    await waitFor('the web data to expire', () => Date.now() > expiresAt, { intervalMs: 100 });
    const server = serverHit({ user_id: 'expiring' });
    await hits.write([server]);

    const { event } = await enriched.waitFor(server.eventId);

    expect(event).toMatchObject({ enrichment: 'miss', web: null });
    expect(
      await connection
        .collection('webdata')
        .countDocuments({ _id: 'shop:user_id:expiring' as never }),
    ).toBe(1);
  });

  it('parks poison messages in the dead-letter topic with the reason, and goes on', async () => {
    const after = serverHit({ user_id: 'after-poison' });
    await hits.writeRaw(PIPELINE_TOPICS.serverHits, [
      { key: 'shop:poison', value: 'not json' },
      { key: 'shop:poison', value: JSON.stringify({ v: 1, kind: 'server', eventId: 'x' }) },
      {
        key: 'shop:poison',
        value: JSON.stringify(serverHit({ user_id: 'poison' }, { containerId: 'gone' })),
      },
      { key: keyOf(after), value: JSON.stringify(after) },
    ]);
    await hits.writeRaw(PIPELINE_TOPICS.webHits, [{ key: 'shop:poison', value: '{"v":' }]);

    const [serverDeadLetters, webDeadLetters] = await Promise.all([
      readTopic(
        context.kafkaBrokers,
        `${context.topicPrefix}${deadLetterTopic(PIPELINE_TOPICS.serverHits)}`,
        3,
      ),
      readTopic(
        context.kafkaBrokers,
        `${context.topicPrefix}${deadLetterTopic(PIPELINE_TOPICS.webHits)}`,
        1,
      ),
    ]);
    const { event } = await enriched.waitFor(after.eventId);

    expect(serverDeadLetters.map((m) => [m.key, m.headers['tagrelay-step']])).toEqual([
      ['shop:poison', 'parse'],
      ['shop:poison', 'parse'],
      ['shop:poison', 'container'],
    ]);
    expect(serverDeadLetters[0].value).toBe('not json');
    expect(serverDeadLetters[0].headers['tagrelay-error']).toMatch(/not JSON/);
    expect(serverDeadLetters[1].headers['tagrelay-error']).toMatch(/not a hit envelope: siteId/);
    expect(serverDeadLetters[2].headers['tagrelay-error']).toBe('unknown container shop/gone');
    expect(webDeadLetters[0].headers['tagrelay-source-topic']).toBe(
      `${context.topicPrefix}hits.web`,
    );
    expect(event.enrichment).toBe('miss');
    const metrics = (await probeService(sut.url)).metrics.body;
    expect(metrics).toMatch(
      /tagrelay_enrichment_dead_lettered_total\{kind="server",step="parse"\} 2/,
    );
  });
});
