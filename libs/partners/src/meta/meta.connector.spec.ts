import { ValidationError } from '@tagrelay/contracts';
import { sha256Hex } from '../common/hashing';
import { TEST_NOW, testEvent, testSettings } from '../test-event.fixture';
import { META_MAX_EVENTS, MetaConnector } from './meta.connector';

// Published example of the normalisation rules (e-mail trimmed and lowercased,
// phone as digits with its country code) and their SHA-256 digests.
const EMAIL_SHA256 = '542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345'; // person@example.com
const PHONE_SHA256 = 'dc008fda46e2e64002cf2f82a4906236282d431c4f75e5b60bfe79fc48546383'; // 448444124653

describe(MetaConnector.name, () => {
  const sut = new MetaConnector();
  const settings = testSettings(
    { pixelId: '1234567890', accessToken: 'EAAtoken' },
    { baseUrl: 'http://127.0.0.1:9/', apiVersion: 'v23.0' },
  );
  const prepare = (event = testEvent(), fields = sut.defaults(event, settings)) =>
    sut.prepare(fields, event, settings, TEST_NOW);

  it('builds the request exactly as the Conversions API documents it, field by field', () => {
    const [request] = sut.buildRequests([prepare()], settings);

    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://127.0.0.1:9/v23.0/1234567890/events?access_token=EAAtoken');
    expect(request.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(request.body)).toEqual({
      data: [
        {
          event_name: 'Purchase',
          event_time: 1796378400,
          event_id: '0190a5a0-0000-7000-8000-000000000001',
          action_source: 'website',
          event_source_url: 'https://shop.example/checkout/done?email=a@b.example',
          user_data: {
            em: EMAIL_SHA256,
            ph: PHONE_SHA256,
            external_id: sha256Hex('u-42'),
            client_ip_address: '203.0.113.0',
            client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
            fbp: 'fb.1.1733300000000.1098115397',
            fbc: 'fb.1.1733300000000.AbCdEf',
          },
          custom_data: {
            value: 49.9,
            currency: 'eur',
            order_id: 'o-1001',
            content_ids: ['sku-1'],
            content_type: 'product',
            num_items: 1,
          },
        },
      ],
    });
    expect(request.members).toEqual([0]);
  });

  it('normalises and hashes each customer parameter, never fbp, fbc, IP or user agent', () => {
    const fields = sut.defaults(testEvent(), settings);
    const prepared = prepare(testEvent(), {
      ...fields,
      user_data: {
        ...(fields.user_data as object),
        fn: ' Mary-Ann ',
        ln: "O'Brien",
        ge: 'Female',
        db: '1990-02-07',
        ct: 'New York',
        st: 'California',
        zp: '94105-1234',
        country: 'US',
        external_id: [' A1 ', 'b2'],
      },
    });
    const userData = prepared.body.user_data as Record<string, unknown>;

    expect(userData).toMatchObject({
      em: EMAIL_SHA256,
      ph: PHONE_SHA256,
      fn: sha256Hex('maryann'),
      ln: sha256Hex('obrien'),
      ge: sha256Hex('f'),
      db: sha256Hex('19900207'),
      ct: sha256Hex('newyork'),
      st: sha256Hex('ca'),
      zp: sha256Hex('94105'),
      country: sha256Hex('us'),
      external_id: [sha256Hex('a1'), sha256Hex('b2')],
      fbp: 'fb.1.1733300000000.1098115397',
      fbc: 'fb.1.1733300000000.AbCdEf',
      client_ip_address: '203.0.113.0',
      client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
    });
  });

  it('keeps values a site already hashed and leaves out what cannot be normalised', () => {
    const fields = sut.defaults(testEvent(), settings);
    const prepared = prepare(testEvent(), {
      ...fields,
      user_data: { ...(fields.user_data as object), em: EMAIL_SHA256, ge: 'x', country: 'France' },
    });
    const userData = prepared.body.user_data as Record<string, unknown>;

    expect(userData.em).toBe(EMAIL_SHA256);
    expect(userData).not.toHaveProperty('ge');
    expect(userData).not.toHaveProperty('country');
  });

  it('sends at most 1,000 events per request, in order, with the test event code', () => {
    const events = Array.from({ length: 2500 }, (_, index) =>
      prepare(testEvent({ eventId: `e-${index}` })),
    );
    const withCode = testSettings(settings.credentials, {
      ...settings.options,
      testEventCode: 'TEST123',
    });

    const requests = sut.buildRequests(events, withCode);

    expect(requests.map((request) => request.members.length)).toEqual([
      META_MAX_EVENTS,
      META_MAX_EVENTS,
      500,
    ]);
    expect(requests.flatMap((request) => request.members)).toEqual(events.map((_, index) => index));
    const body = JSON.parse(requests[2].body) as {
      data: { event_id: string }[];
      test_event_code: string;
    };
    expect(body.test_event_code).toBe('TEST123');
    expect(body.data[0].event_id).toBe('e-2000');
    const smaller = testSettings(settings.credentials, { batchSize: 300 });
    expect(sut.buildRequests(events.slice(0, 700), smaller).map((r) => r.members.length)).toEqual([
      300, 300, 100,
    ]);
  });

  it.each([
    ['event_time', { event_time: Math.floor(TEST_NOW.getTime() / 1000) - 8 * 86_400 }],
    ['event_time', { event_time: TEST_NOW.getTime() }],
    ['event_source_url', { event_source_url: undefined }],
    ['action_source', { action_source: 'billboard' }],
    ['custom_data', { custom_data: { value: 10 } }],
    ['custom_data.currency', { custom_data: { value: 10, currency: 'euro' } }],
    ['pixel_code', { pixel_code: 'x' }],
  ])('rejects an event Meta would refuse (%s) before sending', (field, change) => {
    const fields = { ...sut.defaults(testEvent(), settings), ...change };

    expect(() => prepare(testEvent(), fields)).toThrow(ValidationError);
    try {
      prepare(testEvent(), fields);
    } catch (error) {
      expect((error as ValidationError).field).toBe(field);
    }
  });

  it('requires the user agent of website events', () => {
    expect(() => prepare(testEvent({ userAgent: null }))).toThrow('user_data.client_user_agent');
  });

  it('builds fbc from the click id in the landing URL when the cookie is missing', () => {
    const event = testEvent();
    event.web!.cookies = {};
    event.web!.page = { url: 'https://shop.example/?fbclid=IwAR2xyz', referrer: null };

    const userData = prepare(event).body.user_data as Record<string, unknown>;

    expect(userData.fbc).toBe(`fb.1.${Date.parse(event.receivedAt)}.IwAR2xyz`);
    expect(userData).not.toHaveProperty('fbp');
  });

  it('reads Graph API errors: rate limits and transient errors are retried, others are not', () => {
    const answer = (status: number, body: unknown, headers = {}) =>
      sut.judge({ status, headers, body: JSON.stringify(body) });

    expect(answer(200, { events_received: 1 }).kind).toBe('delivered');
    expect(answer(400, { error: { code: 613, message: 'rate' } }).kind).toBe('retry');
    expect(answer(400, { error: { code: 100, is_transient: true } }).kind).toBe('retry');
    expect(answer(400, { error: { code: 100, message: 'Invalid parameter' } })).toEqual({
      kind: 'rejected',
      reason: 'HTTP 400: {"error":{"code":100,"message":"Invalid parameter"}}',
    });
    expect(answer(503, {}, { 'retry-after': '7' })).toEqual({
      kind: 'retry',
      reason: 'HTTP 503: {}',
      retryAfterMs: 7000,
    });
  });

  it('redacts customer data and URL queries in the recorded request', () => {
    const redacted = sut.redact(prepare()) as Record<string, Record<string, unknown>>;

    expect(Object.values(redacted.user_data)).toEqual(Array(7).fill('[redacted]'));
    expect(redacted.event_source_url).toBe('https://shop.example/checkout/done');
    expect(redacted.custom_data.value).toBe(49.9);
  });

  it('names missing or wrong settings', () => {
    expect(sut.checkSettings(testSettings({ pixelId: 'abc' }, { batchSize: 5000 }))).toEqual([
      'credentials.accessToken is missing',
      'pixelId is not numeric',
      'options.batchSize must be 1..1000',
    ]);
    expect(sut.checkSettings(settings)).toEqual([]);
  });
});
