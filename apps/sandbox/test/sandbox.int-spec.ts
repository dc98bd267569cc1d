import { randomUUID } from 'node:crypto';
import { EnrichedEvent } from '@tagrelay/contracts';
import {
  connectorFor,
  DestinationRules,
  DestinationSettings,
  PartnerConnector,
  PartnerRequest,
} from '@tagrelay/partners';
import { RunningHttpService } from '@tagrelay/runtime';
import { bootstrap } from '../src/bootstrap';
import { RecordedRequest } from '../src/recording/recorded-request';
import { SandboxModule } from '../src/sandbox.module';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ENV = { NODE_ENV: 'test', LOG_LEVEL: 'warn', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0' };

function purchase(): EnrichedEvent {
  const now = new Date().toISOString();
  return {
    v: 1,
    kind: 'server',
    eventId: randomUUID(),
    siteId: 'demo',
    containerId: 'web',
    receivedAt: now,
    ip: '203.0.113.0',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
    variables: {
      event: 'purchase',
      email: 'person@example.com',
      value: 20,
      currency: 'EUR',
      order_id: `o-${randomUUID()}`,
      items: [{ id: 'sku-1', price: 20, quantity: 1 }],
    },
    keys: { user_id: 'u-1' },
    web: {
      matchedKey: { name: 'user_id', value: 'u-1' },
      cookies: { _fbp: 'fb.1.1.2', _ga: 'GA1.1.111.222' },
      variables: {},
      consent: {},
      page: { url: 'https://shop.example/thanks', referrer: null },
      collectedAt: now,
    },
    enrichment: 'matched',
    enrichedAt: now,
  };
}

/** Requests exactly as the dispatcher builds them (defaults, mapping, connector), for the sandbox. */
async function partnerRequests(
  connector: PartnerConnector,
  settings: DestinationSettings,
  events: EnrichedEvent[],
  mapping: Record<string, string> = {},
): Promise<PartnerRequest[]> {
  const now = new Date();
  const rules = DestinationRules.compile(mapping, null);
  const prepared = await Promise.all(
    events.map(async (event) =>
      connector.prepare(
        await rules.apply(event, connector.defaults(event, settings)),
        event,
        settings,
        now,
      ),
    ),
  );
  return connector
    .buildRequests(prepared, settings)
    .map((request) => connector.beforeSend(request, settings, now));
}

describe(SandboxModule.name, () => {
  let sut: RunningHttpService;
  const send = (request: PartnerRequest) =>
    fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  const getJson = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${sut.url}${path}`)).json()) as T;
  const settings = (
    credentials: Record<string, string>,
    options: Record<string, string> = {},
  ): DestinationSettings => ({
    destinationId: 'd',
    credentials,
    options: { baseUrl: sut.url, ...options },
  });

  beforeAll(async () => {
    sut = await bootstrap(ENV, ['--webhook-secret', SECRET, '--keep', '50']);
  });

  afterAll(async () => {
    await sut?.close();
  });

  beforeEach(async () => {
    await fetch(`${sut.url}/requests`, { method: 'DELETE' });
  });

  it('accepts what each connector sends and records it with its event ids', async () => {
    const events = [purchase(), purchase()];
    const ids = events.map((event) => event.eventId);
    const requests = (
      await Promise.all([
        partnerRequests(
          connectorFor('meta'),
          settings({ pixelId: '1234567890', accessToken: 'token-1' }),
          events,
        ),
        // NOTE: GA4 requests carry no event id unless mapped; the demo site maps it.
        partnerRequests(
          connectorFor('ga4'),
          settings({ measurementId: 'G-DEMO', apiSecret: 'secret-1' }),
          events,
          { 'params/event_id': 'eventId' },
        ),
        partnerRequests(connectorFor('criteo'), settings({ account: 'demo' }), events),
        partnerRequests(
          connectorFor('webhook'),
          settings({ secret: SECRET }, { url: `${sut.url}/webhook/orders` }),
          events,
        ),
      ])
    ).flat();

    const statuses = await Promise.all(
      requests.map(async (request) => (await send(request)).status),
    );

    // NOTE: GA4 packs both events in one request (same client); Criteo and webhooks send one each.
    expect(statuses).toEqual([200, 204, 200, 200, 204, 204]);
    const { partners } = await getJson<{ partners: Record<string, Record<string, number>> }>(
      '/stats',
    );
    expect(partners.meta).toMatchObject({ requests: 1, events: 2, distinctEvents: 2 });
    expect(partners.ga4).toMatchObject({ requests: 1, events: 2, distinctEvents: 2 });
    expect(partners.criteo).toMatchObject({ requests: 2, events: 2, eventsWithoutId: 2 });
    expect(partners.webhook).toMatchObject({ requests: 2, distinctEvents: 2, rejected: 0 });
    for (const partner of ['meta', 'ga4', 'webhook']) {
      const { eventIds } = await getJson<{ eventIds: Record<string, number> }>(
        `/events?partner=${partner}`,
      );
      expect(Object.keys(eventIds).sort()).toEqual([...ids].sort());
    }
    const webhooks = await getJson<{ requests: RecordedRequest[] }>('/requests?partner=webhook');
    expect(webhooks.requests.map((request) => request.signature)).toEqual(['valid', 'valid']);
  });

  it('masks credentials and shows the requests on its page, escaped', async () => {
    const [request] = await partnerRequests(
      connectorFor('meta'),
      settings({ pixelId: '1234567890', accessToken: 'secret-token' }),
      [{ ...purchase(), variables: { ...purchase().variables, order_id: '<b>o-1</b>' } }],
    );
    await send(request);

    const { requests } = await getJson<{ requests: RecordedRequest[] }>('/requests?partner=meta');
    expect(requests[0].query).toEqual({ access_token: '***' });
    const page = await (await fetch(`${sut.url}/?partner=meta`)).text();
    expect(page).toContain('/v23.0/1234567890/events');
    expect(page).toContain('&lt;b&gt;o-1&lt;/b&gt;');
    expect(page).not.toContain('<b>o-1');
    expect(page).not.toContain('secret-token');
  });

  it('rejects a badly signed webhook and a path no partner has, and records both', async () => {
    const bad = await fetch(`${sut.url}/webhook/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'evt-1',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAA',
      },
      body: '{}',
    });
    const lost = await fetch(`${sut.url}/v2/collect`, { method: 'POST', body: 'x' });

    expect([bad.status, lost.status]).toEqual([401, 404]);
    const { partners } = await getJson<{ partners: Record<string, Record<string, number>> }>(
      '/stats',
    );
    expect(partners.webhook).toMatchObject({ requests: 1, rejected: 1, distinctEvents: 0 });
    expect(partners.unknown).toMatchObject({ requests: 1, rejected: 1 });
  });

  it('pages through everything it keeps, oldest first', async () => {
    for (let i = 0; i < 30; i++) {
      await fetch(`${sut.url}/m/event`, {
        method: 'POST',
        body: JSON.stringify({ account: 'demo', events: [{ event: 'viewHome', n: i }] }),
      });
    }
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = await getJson<{ requests: RecordedRequest[] }>(
        `/requests?partner=criteo&after=${after}&limit=7`,
      );
      if (page.requests.length === 0) break;
      seen.push(...page.requests.map((request) => request.seq));
      after = page.requests[page.requests.length - 1].seq;
    }

    expect(seen).toHaveLength(30);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect((await fetch(`${sut.url}/requests?partner=nobody`)).status).toBe(400);
  });
});
