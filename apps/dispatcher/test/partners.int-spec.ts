import { RunningHttpService } from '@tagrelay/runtime';
import { createTestContext, PartnerServer, seedConfig, TestContext } from '@tagrelay/testing';
import { sha256Hex } from '@tagrelay/partners';
import { bootstrap } from '../src/bootstrap';
import { DispatchTopics, enrichedEvent, siteWith } from './dispatch-test-support';

describe('dispatchers of GA4 and Criteo', () => {
  let context: TestContext;
  let partner: PartnerServer;
  const running: RunningHttpService[] = [];
  const topics = {} as Record<'ga4' | 'criteo', DispatchTopics>;

  beforeAll(async () => {
    context = createTestContext();
    partner = await PartnerServer.start();
    partner.succeed(0, 204, undefined);
    await context.createTopics();
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [
      siteWith([
        {
          destinationId: 'analytics',
          partner: 'ga4',
          credentials: { measurementId: 'G-TEST', apiSecret: 'secret-1' },
          options: { baseUrl: partner.url },
          // NOTE: "/" in stored keys: FerretDB refuses "." in document keys.
          mapping: { 'params/coupon': 'variables.coupon' },
        },
        {
          destinationId: 'retargeting',
          partner: 'criteo',
          credentials: { account: '4242', callerId: 'caller-1' },
          options: { baseUrl: partner.url },
        },
      ]),
    ]);
    for (const name of ['ga4', 'criteo'] as const) {
      topics[name] = new DispatchTopics(context, name);
      await topics[name].start();
      running.push(await bootstrap(context.env(), ['--partner', name]));
    }
  });

  afterAll(async () => {
    await Promise.all(running.map((service) => service.close()));
    await Promise.all(Object.values(topics).map((topic) => topic.stop()));
    await partner?.close();
    await context.cleanup();
  });

  it('sends GA4 events of one client 25 per request, others apart, and rejects what breaks a limit', async () => {
    const sameClient = Array.from({ length: 30 }, () =>
      enrichedEvent({
        variables: { event: 'purchase', value: 20, currency: 'EUR', coupon: 'W10' },
      }),
    );
    const otherClient = enrichedEvent();
    otherClient.web!.cookies._ga = 'GA1.1.999.888';
    const tooLong = enrichedEvent({ variables: { event: 'e'.repeat(41) } });
    const events = [...sameClient, otherClient, tooLong];

    await topics.ga4.send(events);
    const records = await topics.ga4.settled(new Set(events.map((event) => event.eventId)), {
      destinationId: 'analytics',
    });

    const requests = partner.requests.filter((request) => request.path === '/mp/collect');
    expect(requests.map((request) => request.query)).toEqual(
      Array(requests.length).fill({ measurement_id: 'G-TEST', api_secret: 'secret-1' }),
    );
    const bodies = requests.map(
      (request) => request.json as { client_id: string; events: unknown[] },
    );
    expect(bodies.map((body) => [body.client_id, body.events.length]).sort()).toEqual([
      ['111.222', 25],
      ['111.222', 5],
      ['999.888', 1],
    ]);
    expect(bodies[0].events[0]).toMatchObject({
      name: 'purchase',
      params: {
        value: 20,
        currency: 'EUR',
        coupon: 'W10',
        page_location: 'https://shop.example/thanks',
      },
    });
    expect(records.filter((record) => record.status === 'delivered')).toHaveLength(31);
    const failed = records.find((record) => record.eventId === tooLong.eventId)!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 0 });
    expect(failed.reason).toBe(`invalid: name: "${'e'.repeat(41)}" is longer than 40 characters`);
  });

  it('sends one Criteo event per request with the e-mail hashed, and skips events Criteo has no name for', async () => {
    const purchase = enrichedEvent({
      variables: {
        event: 'purchase',
        email: 'Person@Example.com',
        order_id: 'o-7',
        currency: 'EUR',
        items: [{ item_id: 'sku-1', price: 10, quantity: 2 }],
      },
    });
    const newsletter = enrichedEvent({ variables: { event: 'newsletter_signup' } });

    await topics.criteo.send([purchase, newsletter]);
    const records = await topics.criteo.settled(new Set([purchase.eventId, newsletter.eventId]), {
      destinationId: 'retargeting',
    });

    const [request] = partner.requests.filter((r) => r.path === '/m/event');
    expect(request.query).toEqual({ version: 's2s_v0' });
    expect(request.json).toMatchObject({
      account: '4242',
      id: { mapping_key: 'caller-1', email: { sha256: sha256Hex('person@example.com') } },
      retailer_visitor_id: 'u-1',
      events: [
        { event: 'trackTransaction', id: 'o-7', item: [{ id: 'sku-1', price: 10, quantity: 2 }] },
      ],
    });
    expect(JSON.stringify(request.json)).not.toContain('Person@Example.com');
    expect(records.map((record) => [record.status, record.reason]).sort()).toEqual([
      ['delivered', null],
      ['filtered', 'no Criteo event for "newsletter_signup"'],
    ]);
  });
});
