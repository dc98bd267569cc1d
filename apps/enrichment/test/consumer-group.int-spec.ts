import { Kafka, logLevel } from 'kafkajs';
import { Connection } from 'mongoose';
import { RunningHttpService } from '@tagrelay/runtime';
import { WebDataRepository } from '@tagrelay/store';
import { TestContext, waitFor } from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';
import { EnrichmentConsumer } from '../src/consumer/enrichment.consumer';
import { EnrichmentTestbed, openEnrichmentTestbed, serverHit, webHit } from './enrichment-fixtures';

const VISITORS = 2000;
const SERVER_HITS = 18_000;

describe(EnrichmentConsumer.name, () => {
  let testbed: EnrichmentTestbed;
  let context: TestContext;
  const services: RunningHttpService[] = [];
  let connection: Connection;
  let hits: EnrichmentTestbed['hits'];
  let enriched: EnrichmentTestbed['enriched'];

  beforeAll(async () => {
    testbed = await openEnrichmentTestbed();
    ({ context, connection, hits, enriched } = testbed);
  });

  afterAll(() => testbed?.close(services));

  it('emits every server hit of a 20,000-hit stream exactly once with two processes in one group', async () => {
    services.push(await bootstrap(context.env()), await bootstrap(context.env()));
    const [first, second] = services.map((service) => service.app.get(EnrichmentConsumer));
    await waitForStableGroup(context.kafkaBrokers, first.groupId, 2);
    const webHits = Array.from({ length: VISITORS }, (_, i) => webHit({ user_id: `v${i}` }));
    // Every tenth server hit has no key (a miss); the others match a visitor.
    const serverHits = Array.from({ length: SERVER_HITS }, (_, i) =>
      serverHit(i % 10 === 0 ? {} : { user_id: `v${i % VISITORS}` }),
    );

    await hits.write(webHits);
    const webData = new WebDataRepository(connection);
    const keys = webHits.map((hit) => ({
      siteId: 'shop',
      name: 'user_id',
      value: hit.keys.user_id,
    }));
    await waitFor(
      'every visitor stored',
      async () => (await webData.findLive(keys, new Date())).size === VISITORS,
      {
        timeoutMs: 30_000,
        intervalMs: 500,
      },
    );
    const started = Date.now();
    await hits.write(serverHits);
    const counts = await enriched.waitForAll(
      serverHits.map((hit) => hit.eventId),
      60_000,
    );
    const seconds = (Date.now() - started) / 1000;
    await waitFor('the last commits', async () =>
      Object.values(await first.measureLag()).every((lag) => lag === 0),
    );
    const results = new Map<string, number>();
    for (const { event } of enriched.received) {
      results.set(event.enrichment, (results.get(event.enrichment) ?? 0) + 1);
    }
    process.stderr.write(
      `two processes: ${SERVER_HITS} server hits enriched in ${seconds.toFixed(1)} s; ` +
        `batches ${first.consumer.stats.batches} + ${second.consumer.stats.batches}\n`,
    );

    expect(counts.size).toBe(SERVER_HITS);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(enriched.received).toHaveLength(SERVER_HITS);
    expect(Object.fromEntries(results)).toEqual({
      matched: SERVER_HITS * 0.9,
      miss: SERVER_HITS * 0.1,
    });
    expect(first.consumer.stats.messages).toBeGreaterThan(0);
    expect(second.consumer.stats.messages).toBeGreaterThan(0);
  });
});

/** Both members joined and got partitions: no rebalance will move work mid-stream. */
async function waitForStableGroup(brokers: string, groupId: string, members: number) {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await waitFor(`group ${groupId} stable with ${members} members`, async () => {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === members;
    });
  } finally {
    await admin.disconnect();
  }
}
