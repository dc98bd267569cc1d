import { ConfigError } from '@tagrelay/config';
import { RunningHttpService } from '@tagrelay/runtime';
import {
  createTestContext,
  PartnerServer,
  probeService,
  seedConfig,
  TestContext,
  waitFor,
} from '@tagrelay/testing';
import { sha256Hex } from '@tagrelay/partners';
import { bootstrap } from '../src/bootstrap';
import { DispatchTopics, enrichedEvent, siteWith } from './dispatch-test-support';

describe('dispatcher service (Meta)', () => {
  let context: TestContext;
  let partner: PartnerServer;
  let topics: DispatchTopics;
  let sut: RunningHttpService;

  const metaDestination = (destinationId: string, extra: Record<string, unknown> = {}) => ({
    destinationId,
    partner: 'meta',
    credentials: { pixelId: '1234567890', accessToken: 'EAA-test' },
    options: { baseUrl: partner.url, apiVersion: 'v23.0' },
    ...extra,
  });

  beforeAll(async () => {
    context = createTestContext();
    partner = await PartnerServer.start();
    await context.createTopics();
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [
      siteWith([
        metaDestination('pixel'),
        metaDestination('marketing-only', {
          consentCategory: 'marketing',
          filter: 'variables.value >= 100',
        }),
      ]),
    ]);
    topics = new DispatchTopics(context, 'meta');
    await topics.start();
    sut = await bootstrap(context.env({ CONFIG_REFRESH_MS: '200' }), ['--partner', 'meta']);
  });

  afterAll(async () => {
    await sut?.close();
    await topics?.stop();
    await partner?.close();
    await context.cleanup();
  });

  it('refuses to start without a partner, naming the setting', async () => {
    await expect(bootstrap(context.env(), [])).rejects.toThrow(ConfigError);
    await expect(bootstrap(context.env(), ['--partner', 'tiktok'])).rejects.toThrow(/--partner/);
  });

  it('answers health, readiness and metrics', async () => {
    const probe = await probeService(sut.url);

    expect(probe.health).toBe(200);
    expect(probe.readiness).toEqual({ status: 200, ready: true, checks: expect.any(Object) });
    expect(Object.keys(probe.readiness.checks).sort()).toEqual([
      'configuration',
      'kafka',
      'mongodb',
    ]);
    expect(probe.metrics.body).toContain('tagrelay_dispatcher_deliveries_total');
  });

  it('sends events in batches to the Conversions API and records every delivery', async () => {
    const events = Array.from({ length: 40 }, () =>
      enrichedEvent({
        variables: { event: 'purchase', email: ' Person@Example.com', value: 150, currency: 'EUR' },
      }),
    );
    const ids = new Set(events.map((event) => event.eventId));

    await topics.send(events);
    const records = await topics.settled(ids);

    const pixel = records.filter((record) => record.destinationId === 'pixel');
    expect(pixel).toHaveLength(40);
    expect(
      pixel.every((record) => record.status === 'delivered' && record.httpStatus === 200),
    ).toBe(true);
    const sentIds = partner.requests
      .filter((request) => request.path === '/v23.0/1234567890/events')
      .flatMap((request) =>
        (request.json as { data: { event_id: string }[] }).data.map((e) => e.event_id),
      )
      .filter((id) => ids.has(id));
    // Two destinations of the same pixel: each event sent once per destination.
    expect(sentIds.length).toBe(80);
    expect(partner.requests.length).toBeLessThan(40);
    const request = partner.requests.find((r) => (r.json as { data: unknown[] }).data.length > 0)!;
    expect(request.query).toEqual({ access_token: 'EAA-test' });
    const first = (request.json as { data: Record<string, Record<string, unknown>>[] }).data[0];
    expect(first.user_data.em).toBe(sha256Hex('person@example.com'));
    expect(first.user_data.fbp).toBe('fb.1.1.2');
    const record = pixel[0];
    expect((record.request as { user_data: Record<string, string> }).user_data.em).toBe(
      '[redacted]',
    );
  });

  it('does not send events whose consent or filter says no, and records them as filtered', async () => {
    const noConsent = enrichedEvent({
      variables: { event: 'purchase', value: 150, currency: 'EUR' },
    });
    noConsent.web!.consent = { marketing: false };
    const tooSmall = enrichedEvent({ variables: { event: 'purchase', value: 5, currency: 'EUR' } });
    const ids = new Set([noConsent.eventId, tooSmall.eventId]);

    await topics.send([noConsent, tooSmall]);
    const records = await topics.settled(ids);

    const filtered = records.filter((record) => record.destinationId === 'marketing-only');
    expect(filtered.map((record) => [record.status, record.reason]).sort()).toEqual([
      ['filtered', 'consent "marketing" not granted'],
      ['filtered', 'filter rejected the event'],
    ]);
    expect(
      records.filter((record) => record.destinationId === 'pixel').map((r) => r.status),
    ).toEqual(['delivered', 'delivered']);
  });

  it('dead-letters an event it cannot read, and one Meta would refuse, with the reason', async () => {
    const old = enrichedEvent({ receivedAt: new Date(Date.now() - 8 * 86_400_000).toISOString() });

    await topics.send(['{"not":"an event"}', old]);
    const dead = await waitFor(
      'two dead letters',
      () => topics.in('dlq').length >= 2 && topics.in('dlq'),
    );

    expect(dead.map((message) => message.headers['tagrelay-error']).sort()).toEqual([
      'invalid: event_time: older than 7 days: Meta rejects it',
      expect.stringMatching(/^not an enriched event/),
    ]);
    expect(dead.find((m) => m.headers['tagrelay-destination-id'] === 'pixel')!.value).toEqual(old);
  });

  it('sees a new destination within the refresh period, without a restart', async () => {
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [
      siteWith([metaDestination('pixel'), metaDestination('late-addition')]),
    ]);
    const sent = new Set<string>();

    await waitFor(
      'a record of the new destination',
      async () => {
        const event = enrichedEvent();
        sent.add(event.eventId);
        await topics.send([event]);
        return topics.deliveries(sent).some((record) => record.destinationId === 'late-addition');
      },
      { timeoutMs: 10_000, intervalMs: 500 },
    );
  });
});
