import { ValidationError } from '@tagrelay/contracts';
import { TEST_NOW, testEvent, testSettings } from '../test-event.fixture';
import { Ga4Connector, gaClientId } from './ga4.connector';
import { GA4_LIMITS } from './ga4.validation';

describe(Ga4Connector.name, () => {
  const sut = new Ga4Connector();
  const settings = testSettings(
    { measurementId: 'G-TEST123', apiSecret: 's3cr3t' },
    { baseUrl: 'http://127.0.0.1:9' },
  );
  const prepare = (event = testEvent(), fields = sut.defaults(event)) =>
    sut.prepare(fields, event, settings, TEST_NOW);

  it('builds the Measurement Protocol request field by field', () => {
    const [request] = sut.buildRequests([prepare()], settings);

    expect(request.url).toBe(
      'http://127.0.0.1:9/mp/collect?measurement_id=G-TEST123&api_secret=s3cr3t',
    );
    expect(request.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(request.body)).toEqual({
      client_id: '1234567890.1699999999',
      user_id: 'U-42',
      events: [
        {
          name: 'purchase',
          timestamp_micros: Date.parse('2026-12-04T10:00:00.000Z') * 1000,
          params: {
            value: 49.9,
            currency: 'EUR',
            transaction_id: 'o-1001',
            items: [{ item_id: 'sku-1', item_name: 'Mug', price: 24.95, quantity: 2 }],
            page_location: 'https://shop.example/checkout/done?email=a@b.example',
            page_referrer: 'https://shop.example/cart',
          },
        },
      ],
    });
  });

  it('reads client_id from the _ga cookie as gtag.js does', () => {
    expect(gaClientId('GA1.1.1234567890.1699999999')).toBe('1234567890.1699999999');
    expect(gaClientId('GA1.2.987.654')).toBe('987.654');
    expect(gaClientId('garbage')).toBeUndefined();
  });

  it('puts at most 25 events of one client in a request, other clients apart', () => {
    const other = testEvent({ eventId: 'other' });
    other.web!.cookies._ga = 'GA1.1.555.666';
    const events = [
      ...Array.from({ length: 60 }, (_, index) => prepare(testEvent({ eventId: `e-${index}` }))),
      prepare(other),
    ];

    const requests = sut.buildRequests(events, settings);

    expect(requests.map((request) => request.members.length)).toEqual([25, 25, 10, 1]);
    expect(JSON.parse(requests[3].body).client_id).toBe('555.666');
    expect(requests.flatMap((request) => request.members).sort((a, b) => a - b)).toEqual(
      events.map((_, index) => index),
    );
  });

  it('keeps every body under 130 kB', () => {
    const bigItems = Array.from({ length: GA4_LIMITS.itemsPerEvent }, (_, index) => ({
      item_id: `${index}`.padEnd(100, 'x'),
      item_name: 'n'.repeat(100),
    }));
    const events = Array.from({ length: 12 }, (_, index) => {
      const event = testEvent({ eventId: `big-${index}` });
      return prepare(event, { ...sut.defaults(event), params: { items: bigItems } });
    });

    const requests = sut.buildRequests(events, settings);

    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) {
      expect(Buffer.byteLength(request.body)).toBeLessThan(GA4_LIMITS.bodyBytes);
    }
    expect(requests.reduce((sum, request) => sum + request.members.length, 0)).toBe(12);
  });

  it.each([
    ['name', { name: 'x'.repeat(41) }],
    ['name', { name: '1st_event' }],
    ['name', { name: 'session_start' }],
    ['params', { params: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}`, i])) }],
    ['params.ga_session', { params: { ga_session: 'x' } }],
    ['params.note', { params: { note: 'y'.repeat(101) } }],
    ['params.items.0', { params: { items: [{ price: 1 }] } }],
    ['timestamp_micros', { timestamp_micros: TEST_NOW.getTime() * 1000 - 73 * 3_600_000_000 }],
    ['timestamp_micros', { timestamp_micros: TEST_NOW.getTime() }],
    ['client_id', { client_id: undefined }],
    ['user_properties.tier', { user_properties: { tier: 'z'.repeat(37) } }],
  ])('rejects an event that breaks a limit (%s), with the reason', (field, change) => {
    const fields = { ...sut.defaults(testEvent()), ...change };

    let caught: unknown;
    try {
      prepare(testEvent(), fields);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe(field);
  });

  it('accepts a page_location longer than 100 characters and wraps user properties', () => {
    const fields = {
      ...sut.defaults(testEvent()),
      params: { page_location: `https://shop.example/${'p'.repeat(300)}` },
      user_properties: { tier: 'gold' },
    };

    const prepared = prepare(testEvent(), fields);

    expect(prepared.body.user_properties).toEqual({ tier: { value: 'gold' } });
  });

  it('redacts the client and user ids and personal params', () => {
    const redacted = sut.redact(prepare()) as Record<string, unknown>;

    expect(redacted.client_id).toBe('[redacted]');
    expect(redacted.user_id).toBe('[redacted]');
    expect(JSON.stringify(redacted)).not.toContain('email=');
  });
});
