import { RunningHttpService } from '@tagrelay/runtime';
import { createTestContext, PartnerServer, seedConfig, TestContext } from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';
import { DispatchTopics, enrichedEvent, siteWith, WEBHOOK_SECRET } from './dispatch-test-support';

const WAVES = 10;
const PER_WAVE = 20;

describe('dispatcher with one destination hanging', () => {
  let context: TestContext;
  let topics: DispatchTopics;
  let hanging: PartnerServer;
  let healthy: PartnerServer;
  let sut: RunningHttpService;

  beforeAll(async () => {
    context = createTestContext();
    await context.createTopics();
    [hanging, healthy] = await Promise.all([PartnerServer.start(), PartnerServer.start()]);
    hanging.hang();
    const hook = (destinationId: string, partner: PartnerServer) => ({
      destinationId,
      partner: 'webhook',
      credentials: { secret: WEBHOOK_SECRET },
      options: { url: `${partner.url}/hooks` },
    });
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [
      siteWith([hook('hanging', hanging), hook('healthy', healthy)]),
    ]);
    topics = new DispatchTopics(context, 'webhook');
    await topics.start();
    sut = await bootstrap(
      context.env({
        DISPATCHER_MAX_ATTEMPTS: '2',
        DISPATCHER_BACKOFF_BASE_MS: '50',
        DISPATCHER_BACKOFF_MAX_MS: '200',
        DISPATCHER_REQUEST_TIMEOUT_MS: '1000',
        DISPATCHER_CIRCUIT_COOLDOWN_MS: '3000',
        DISPATCHER_RETRY_DELAYS_MS: '60000',
      }),
      ['--partner', 'webhook'],
    );
  });

  afterAll(async () => {
    await sut?.close();
    await topics?.stop();
    await Promise.all([hanging?.close(), healthy?.close()]);
    await context.cleanup();
  });

  it('keeps delivering to the healthy destination while the other hangs', async () => {
    const sentAt = new Map<string, number>();
    for (let wave = 0; wave < WAVES; wave++) {
      const events = Array.from({ length: PER_WAVE }, () => enrichedEvent());
      const now = performance.timeOrigin + performance.now();
      for (const event of events) sentAt.set(event.eventId, now);
      await topics.send(events);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const ids = new Set(sentAt.keys());
    const firstWave = new Set([...ids].slice(0, PER_WAVE));

    await topics.settled(ids, { destinationId: 'healthy', statuses: ['delivered'] });
    const parked = await topics.settled(ids, { destinationId: 'hanging', statuses: ['retrying'] });

    const latencies = healthy.requests
      .map((request) => request.receivedAt - sentAt.get(request.headers['webhook-id'])!)
      .sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)];
    const max = latencies[latencies.length - 1];
    process.stderr.write(
      `isolation: healthy got ${healthy.requests.length} requests, p50 ${Math.round(p50)} ms, ` +
        `max ${Math.round(max)} ms; hanging got ${hanging.requests.length} requests\n`,
    );
    expect(healthy.requests).toHaveLength(WAVES * PER_WAVE);
    // The first wave went out while the other destination's requests were still hanging (1 s).
    const firstWaveLatencies = healthy.requests
      .filter((request) => firstWave.has(request.headers['webhook-id']))
      .map((request) => request.receivedAt - sentAt.get(request.headers['webhook-id'])!);
    expect(Math.max(...firstWaveLatencies)).toBeLessThan(700);
    expect(p50).toBeLessThan(500);
    // The worst case: events that came while one batch waited for a timeout (1 s).
    expect(max).toBeLessThan(2000);
    // Paused after its first timeouts: one round of requests hung, the rest were parked unsent.
    expect(hanging.requests.length).toBeLessThanOrEqual(PER_WAVE);
    expect(parked.every((record) => record.status === 'retrying')).toBe(true);
    expect(new Set(parked.map((record) => record.reason?.split(':')[0]))).toEqual(
      new Set(['no answer within 1000 ms', 'destination paused after failures']),
    );
  });
});
