import { RunningHttpService } from '@tagrelay/runtime';
import { createTestContext, PartnerServer, seedConfig, TestContext } from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';
import { DispatchTopics, enrichedEvent, siteWith, WEBHOOK_SECRET } from './dispatch-test-support';

/** One burst, in one partition: parking it must stay under the broker's batch limit (1 MiB). */
const FIRST_WAVE = 1200;
const SECOND_WAVE = 150;

describe('dispatcher during a partner outage', () => {
  let context: TestContext;
  let topics: DispatchTopics;
  let partner: PartnerServer;
  let sut: RunningHttpService | undefined;
  const env = () =>
    context.env({
      DISPATCHER_PARTNER: 'webhook',
      DISPATCHER_MAX_ATTEMPTS: '2',
      DISPATCHER_BACKOFF_BASE_MS: '50',
      DISPATCHER_BACKOFF_MAX_MS: '500',
      DISPATCHER_RETRY_DELAYS_MS: '500,1000,2000,4000,8000',
      DISPATCHER_CIRCUIT_COOLDOWN_MS: '500',
      DISPATCHER_REQUEST_TIMEOUT_MS: '2000',
    });

  beforeAll(async () => {
    context = createTestContext();
    await context.createTopics();
    partner = await PartnerServer.start();
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [
      siteWith([
        {
          destinationId: 'orders-hook',
          partner: 'webhook',
          credentials: { secret: WEBHOOK_SECRET },
          options: { url: `${partner.url}/hooks`, concurrency: 8 },
        },
      ]),
    ]);
    topics = new DispatchTopics(context, 'webhook');
    await topics.start();
    sut = await bootstrap(env(), []);
  });

  afterAll(async () => {
    await sut?.close();
    await topics?.stop();
    await partner?.close();
    await context.cleanup();
  });

  it('delivers every event once the partner is back, across a dispatcher restart; nothing lost', async () => {
    const port = Number(new URL(partner.url).port);
    await partner.close();
    const first = Array.from({ length: FIRST_WAVE }, () => enrichedEvent());
    await topics.send(first);
    await topics.settled(new Set(first.map((event) => event.eventId)), { statuses: ['retrying'] });

    // The process goes away while everything is parked; a new one takes over.
    await sut!.close();
    sut = await bootstrap(env(), []);
    const second = Array.from({ length: SECOND_WAVE }, () => enrichedEvent());
    await topics.send(second);
    await topics.settled(new Set(second.map((event) => event.eventId)), { statuses: ['retrying'] });

    partner = await PartnerServer.start({ port });
    const ids = new Set([...first, ...second].map((event) => event.eventId));
    const records = await topics.settled(ids, { statuses: ['delivered'], timeoutMs: 45_000 });

    const received = partner.accepted.map((request) => request.headers['webhook-id']);
    const unique = new Set(received);
    const duplicates = received.length - unique.size;
    process.stderr.write(
      `outage: ${ids.size} events in, ${unique.size} delivered, ${duplicates} duplicates, ` +
        `${records.filter((r) => r.status === 'retrying').length} parkings\n`,
    );
    expect([...ids].every((id) => unique.has(id))).toBe(true);
    expect(unique.size).toBe(ids.size);
    expect(received.every((id) => ids.has(id))).toBe(true);
    expect(topics.in('dlq')).toHaveLength(0);
    const delivered = new Set(
      records.filter((r) => r.status === 'delivered').map((r) => r.eventId),
    );
    expect(delivered.size).toBe(ids.size);
    // At least once: a restart may replay what was in hand, never more than one wave.
    expect(duplicates).toBeLessThanOrEqual(FIRST_WAVE);
  });
});
