import { Pool } from 'undici';
import { ServerHitEnvelope } from '@tagrelay/contracts';
import { RunningHttpService } from '@tagrelay/runtime';
import {
  createTestContext,
  PrivateServers,
  probeService,
  readTopic,
  seedConfig,
  startPrivateServers,
  TEST_WRITE_KEY,
  TestContext,
  testSite,
  waitFor,
} from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';

interface Outcome {
  status: number;
  eventIds: string[];
}

/** Sends one server hit over a keep-alive pool; network errors count as status 0. */
async function sendHit(pool: Pool, n: number): Promise<Outcome> {
  try {
    const response = await pool.request({
      path: '/v1/hit/shop/web',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_WRITE_KEY },
      body: JSON.stringify({
        event: 'purchase',
        user_id: `u${n % 500}`,
        order_id: `o${n}`,
        amount: n,
      }),
    });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      eventIds: response.statusCode === 202 ? JSON.parse(text).eventIds : [],
    };
  } catch {
    return { status: 0, eventIds: [] };
  }
}

describe('ingest durability', () => {
  it('reads back every one of 5,000 concurrent hits answered 202 exactly once', async () => {
    const context = createTestContext();
    await context.createTopics();
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [testSite()]);
    const sut = await bootstrap(context.env());
    const pool = new Pool(sut.url, { connections: 64, pipelining: 1 });
    try {
      const outcomes = await Promise.all(Array.from({ length: 5000 }, (_, n) => sendHit(pool, n)));

      expect(outcomes.filter((outcome) => outcome.status !== 202)).toEqual([]);
      const accepted = outcomes.flatMap((outcome) => outcome.eventIds);
      const written = await readTopic<ServerHitEnvelope>(
        context.kafkaBrokers,
        `${context.topicPrefix}hits.server`,
        5000,
        {
          settleMs: 1000,
        },
      );
      const writtenIds = written.map((message) => message.value.eventId);
      expect(writtenIds).toHaveLength(5000);
      expect(new Set(writtenIds)).toEqual(new Set(accepted));
    } finally {
      await pool.close();
      await sut.close();
      await context.cleanup();
    }
  });

  describe('with the broker stopped mid-run', () => {
    let servers: PrivateServers;
    let context: TestContext;
    let sut: RunningHttpService;

    beforeAll(async () => {
      servers = await startPrivateServers();
      context = createTestContext({
        kafkaBrokers: servers.kafkaBrokers,
        mongodbUri: servers.mongodbUri,
      });
      await context.createTopics();
      await seedConfig({ uri: context.mongodbUri, database: context.database }, [testSite()]);
      sut = await bootstrap(context.env({ KAFKA_PRODUCER_TIMEOUT_MS: '3000' }));
    });

    afterAll(async () => {
      await sut?.close();
      await servers?.destroy();
    });

    it('answers 503 while the broker is away, never 202 for a hit not on it, and becomes ready again', async () => {
      const pool = new Pool(sut.url, { connections: 16 });
      const outcomes: Outcome[] = [];
      let sending = true;
      let n = 0;
      const load = Promise.all(
        Array.from({ length: 8 }, async () => {
          while (sending) outcomes.push(await sendHit(pool, n++));
        }),
      );
      try {
        await waitFor('hits flowing', () => outcomes.filter((o) => o.status === 202).length > 200);
        await servers.stop('kafka');
        await waitFor(
          '503 answers while the broker is away',
          () => outcomes.some((o) => o.status === 503),
          { timeoutMs: 30_000 },
        );
        const down = await probeService(sut.url);
        expect(down.readiness.status).toBe(503);
        expect(down.readiness.checks.kafka).toBe(false);

        await servers.start('kafka');
        await waitFor('readiness back', async () => (await probeService(sut.url)).readiness.ready, {
          timeoutMs: 60_000,
        });
        const before = outcomes.length;
        await waitFor(
          '202 answers again',
          () => outcomes.slice(before).some((o) => o.status === 202),
          { timeoutMs: 30_000 },
        );
      } finally {
        sending = false;
        await load;
        await pool.close();
      }

      const unavailable = outcomes.filter((o) => o.status === 503).length;
      const accepted = outcomes.flatMap((o) => o.eventIds);
      expect(unavailable).toBeGreaterThan(0);
      expect(outcomes.filter((o) => ![202, 503].includes(o.status))).toEqual([]);
      const written = await readTopic<ServerHitEnvelope>(
        servers.kafkaBrokers,
        `${context.topicPrefix}hits.server`,
        accepted.length,
        {
          settleMs: 1000,
        },
      );
      const writtenIds = new Set(written.map((message) => message.value.eventId));
      const missing = accepted.filter((id) => !writtenIds.has(id));
      process.stdout.write(
        `broker outage: ${outcomes.length} requests, ${accepted.length} answered 202, ${unavailable} answered 503, ` +
          `${written.length} on the broker (${written.length - accepted.length} more than acknowledged: 503s that landed), ${missing.length} missing\n`,
      );
      expect(missing).toEqual([]);
    });
  });
});
