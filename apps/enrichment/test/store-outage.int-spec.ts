import { Connection } from 'mongoose';
import { RunningHttpService } from '@tagrelay/runtime';
import { WebDataRepository } from '@tagrelay/store';
import {
  PrivateServers,
  probeService,
  startPrivateServers,
  TestContext,
  waitFor,
} from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';
import { EnrichmentConsumer } from '../src/consumer/enrichment.consumer';
import { EnrichmentTestbed, openEnrichmentTestbed, serverHit, webHit } from './enrichment-fixtures';

const VISITORS = 500;
const PER_PHASE = 1000;

describe('enrichment with the store down', () => {
  let servers: PrivateServers;
  let testbed: EnrichmentTestbed;
  let context: TestContext;
  let sut: RunningHttpService;
  let connection: Connection;
  let hits: EnrichmentTestbed['hits'];
  let enriched: EnrichmentTestbed['enriched'];

  beforeAll(async () => {
    servers = await startPrivateServers();
    testbed = await openEnrichmentTestbed({ servers });
    ({ context, connection, hits, enriched } = testbed);
    sut = await bootstrap(context.env({ KAFKA_CONSUMER_RETRY_MAX_MS: '1000', LOG_LEVEL: 'error' }));
  }, 180_000);

  afterAll(async () => {
    await testbed?.close([sut]);
    await servers?.destroy();
  }, 120_000);

  it('holds the stream while MongoDB is stopped, then enriches every hit', async () => {
    const batch = (phase: number) =>
      Array.from({ length: PER_PHASE }, (_, i) =>
        serverHit({ user_id: `v${(phase * PER_PHASE + i) % VISITORS}` }),
      );
    const webHits = Array.from({ length: VISITORS }, (_, i) => webHit({ user_id: `v${i}` }));
    await hits.write(webHits);
    const webData = new WebDataRepository(connection);
    await waitFor('every visitor stored', async () => {
      const keys = webHits.map((hit) => ({
        siteId: 'shop',
        name: 'user_id',
        value: hit.keys.user_id,
      }));
      return (await webData.findLive(keys, new Date())).size === VISITORS;
    });
    const before = batch(0);
    await hits.write(before);
    await enriched.waitForAll(
      before.map((hit) => hit.eventId),
      30_000,
    );

    await servers.stop('mongo');
    const during = batch(1);
    await hits.write(during);
    await waitFor(
      'readiness to go false',
      async () => !(await probeService(sut.url)).readiness.ready,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const consumer = sut.app.get(EnrichmentConsumer).consumer;
    await waitFor('a failed batch, retried with backoff', () => consumer.stats.retries >= 2, {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const emittedWhileDown = enriched.received.length - PER_PHASE;
    await servers.start('mongo');
    const after = batch(2);
    await hits.write(after);

    const all = [...before, ...during, ...after];
    const counts = await enriched.waitForAll(
      all.map((hit) => hit.eventId),
      60_000,
    );
    await waitFor('readiness back', async () => (await probeService(sut.url)).readiness.ready, {
      timeoutMs: 30_000,
    });
    process.stderr.write(
      `store outage: ${emittedWhileDown} events while down (${consumer.stats.retries} retries); ` +
        `${counts.size} of ${all.length} enriched, ` +
        `${enriched.received.length - counts.size} duplicates\n`,
    );

    expect(emittedWhileDown).toBe(0);
    expect(counts.size).toBe(all.length);
    expect(enriched.received.every(({ event }) => event.enrichment === 'matched')).toBe(true);
  });
});
