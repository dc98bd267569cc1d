import { createHash } from 'node:crypto';
import { PARTNERS } from '@tagrelay/contracts';
import { bootstrap as demoTraffic } from '../../demo-traffic/src/bootstrap';
import { E2ePipeline } from './e2e-pipeline';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The hybrid and server-only flows through every service, run as separate
 * processes with the demo site (E2ePipeline), and the demo traffic tool.
 */
describe('pipeline end to end', () => {
  const pipeline = new E2ePipeline();

  beforeAll(() => pipeline.start(), 240_000);
  afterAll(() => pipeline.stop());

  it('hybrid flow: joins the browser’s cookies to the purchase for Meta, GA4, Criteo and the webhook', async () => {
    const userId = `U-Hybrid-${Date.now()}`;
    const cookies = {
      _fbp: 'fb.1.1764800000000.1098115397',
      _fbc: 'fb.1.1764800000000.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMg',
      _ga: 'GA1.1.1234567890.1764800000',
    };
    await pipeline.shop.web(
      {
        keys: { user_id: userId },
        cookies,
        variables: { page_type: 'checkout' },
        consent: { marketing: true, analytics: true },
        page: {
          url: 'https://demo-shop.example/checkout',
          referrer: 'https://demo-shop.example/cart',
        },
      },
      BROWSER,
    );
    const orderId = `o-${userId}`;
    const eventId = await pipeline.shop.server(
      {
        event: 'purchase',
        user_id: userId,
        email: ' Ada.Lovelace@Example.com ',
        value: 42.5,
        currency: 'EUR',
        order_id: orderId,
        items: [{ id: 'sku-mug', name: 'Mug', price: 21.25, quantity: 2 }],
      },
      BROWSER,
    );

    const meta = await pipeline.requestFor('meta', eventId);
    const [metaEvent] = (meta.body.data as Record<string, unknown>[]).filter(
      (event) => event.event_id === eventId,
    );
    expect(metaEvent).toMatchObject({
      event_name: 'Purchase',
      event_id: eventId,
      action_source: 'website',
      event_source_url: 'https://demo-shop.example/checkout',
      user_data: {
        fbp: cookies._fbp,
        fbc: cookies._fbc,
        em: sha256('ada.lovelace@example.com'),
        external_id: sha256(userId.toLowerCase()),
        client_user_agent: BROWSER,
      },
      custom_data: { value: 42.5, currency: 'eur', order_id: orderId },
    });

    const ga4 = await pipeline.requestFor('ga4', eventId);
    const ga4Event = (ga4.body.events as { name: string; params: Record<string, unknown> }[]).find(
      (event) => event.params.event_id === eventId,
    );
    expect(ga4.body.client_id).toBe('1234567890.1764800000');
    expect(ga4.body.user_id).toBe(userId);
    expect(ga4Event).toMatchObject({
      name: 'purchase',
      params: { event_id: eventId, transaction_id: orderId, value: 42.5, currency: 'EUR' },
    });
    // Joined: at once, or as late when enrichment read the server hit first.
    expect(['matched', 'late']).toContain(ga4Event?.params.enrichment);
    expect((metaEvent.custom_data as Record<string, unknown>).enrichment).toBe(
      ga4Event?.params.enrichment,
    );
    expect(ga4.query).toMatchObject({ measurement_id: 'G-DEMO000001', api_secret: '***' });

    const criteo = await pipeline.criteoRequestFor(orderId);
    expect(criteo.body).toMatchObject({
      account: 'demo-shop',
      id: { email: { sha256: sha256('ada.lovelace@example.com') } },
      events: [{ event: 'trackTransaction', id: orderId }],
    });

    const webhook = await pipeline.requestFor('webhook', eventId);
    expect(webhook.signature).toBe('valid');
    expect(webhook.body).toMatchObject({
      type: 'purchase',
      data: { eventId, web: { matchedKey: { name: 'user_id', value: userId }, cookies } },
    });
    await pipeline.deliveredEverywhere(eventId);
  });

  it('server-only flow: a purchase without web data still reaches every partner, as a miss', async () => {
    const userId = `u-server-only-${Date.now()}`;
    const orderId = `o-${userId}`;
    const eventId = await pipeline.shop.server(
      {
        event: 'purchase',
        user_id: userId,
        value: 19.9,
        currency: 'EUR',
        order_id: orderId,
        page_url: 'https://demo-shop.example/checkout/thanks',
        items: [{ id: 'sku-cap', price: 19.9, quantity: 1 }],
      },
      BROWSER,
    );

    const [meta, ga4, criteo, webhook] = await Promise.all([
      pipeline.requestFor('meta', eventId),
      pipeline.requestFor('ga4', eventId),
      pipeline.criteoRequestFor(orderId),
      pipeline.requestFor('webhook', eventId),
    ]);
    const metaEvent = (meta.body.data as Record<string, unknown>[]).find(
      (event) => event.event_id === eventId,
    );
    expect(metaEvent).toMatchObject({
      custom_data: { enrichment: 'miss' },
      user_data: { external_id: sha256(userId) },
    });
    expect(metaEvent?.user_data).not.toHaveProperty('fbp');
    // NOTE: no _ga cookie: the demo site's mapping derives the client id from the user id.
    expect(ga4.body.client_id).toBe(`tr.${userId}`);
    expect(JSON.stringify(ga4.body.events)).toContain('"enrichment":"miss"');
    expect(criteo.body.events).toEqual([expect.objectContaining({ event: 'trackTransaction' })]);
    expect(webhook.body).toMatchObject({ data: { eventId, enrichment: 'miss', web: null } });
    expect(pipeline.topics.enriched.find((event) => event.eventId === eventId)?.enrichment).toBe(
      'miss',
    );
    await pipeline.deliveredEverywhere(eventId);
  });

  it('npm run demo:traffic: sends a realistic mix and sums up what the system says happened', async () => {
    const lines: string[] = [];
    const summary = await demoTraffic(
      [
        '40',
        '--ingest',
        pipeline.shop.ingestUrl,
        '--sandbox',
        pipeline.sandbox.url,
        '--timeout',
        '60',
      ],
      pipeline.context.env(),
      { out: (line) => lines.push(line), progress: { write: () => true } },
    );

    expect(summary.settled).toBe(true);
    expect(summary.sent.rejected).toBe(0);
    // Other tests of this file may add hits to the topics meanwhile: at least ours.
    expect(summary.incoming.serverHits).toBeGreaterThanOrEqual(summary.sent.serverAccepted);
    expect(summary.enriched).toMatchObject({ events: summary.sent.serverAccepted, missing: 0 });
    expect(summary.enriched.miss).toBeGreaterThan(0);
    expect(summary.matchRate).toBeGreaterThan(0.5);
    expect(summary.destinations.map((outcome) => outcome.partner).sort()).toEqual(
      [...PARTNERS].sort(),
    );
    for (const outcome of summary.destinations) {
      expect(outcome).toMatchObject({ failed: 0, pending: 0 });
      expect(outcome.delivered + outcome.filtered).toBe(summary.sent.serverAccepted);
    }
    expect(lines.join('\n')).toContain('match rate');
  }, 120_000);
});
