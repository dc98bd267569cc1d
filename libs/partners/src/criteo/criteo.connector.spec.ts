import { ValidationError } from '@tagrelay/contracts';
import { md5Hex, sha256Hex } from '../common/hashing';
import { UnsupportedEvent } from '../partner.connector';
import { TEST_NOW, testEvent, testSettings } from '../test-event.fixture';
import { CriteoConnector, hashedEmail } from './criteo.connector';

const EMAIL_SHA256 = '542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345'; // person@example.com

describe(CriteoConnector.name, () => {
  const sut = new CriteoConnector();
  const settings = testSettings(
    { account: '12345', callerId: 'caller-9' },
    { baseUrl: 'http://127.0.0.1:9' },
  );
  const prepare = (event = testEvent(), fields = sut.defaults(event, settings)) =>
    sut.prepare(fields, event, settings, TEST_NOW);

  it('builds one server-side event request, field by field', () => {
    const requests = sut.buildRequests([prepare()], settings);

    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('http://127.0.0.1:9/m/event?version=s2s_v0');
    const md5 = md5Hex('person@example.com');
    expect(JSON.parse(requests[0].body)).toEqual({
      account: '12345',
      id: {
        mapping_key: 'caller-9',
        mapped_user_id: 'crto-777',
        email: { sha256: EMAIL_SHA256, md5, sha256_md5: sha256Hex(md5) },
      },
      ip: '203.0.113.0',
      full_url: 'https://shop.example/checkout/done?email=a@b.example',
      previous_url: 'https://shop.example/cart',
      site_type: 'd',
      useragent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
      retailer_visitor_id: 'U-42',
      events: [
        {
          event: 'trackTransaction',
          timestamp: '2026-12-04T10:00:00.000Z',
          id: 'o-1001',
          item: [{ id: 'sku-1', price: 24.95, quantity: 2 }],
          currency: 'EUR',
        },
      ],
    });
  });

  it('hashes the e-mail in the three forms, reusing a hash the site already made', () => {
    const md5 = md5Hex('person@example.com');
    expect(hashedEmail(' Person@Example.com ')).toEqual({
      sha256: EMAIL_SHA256,
      md5,
      sha256_md5: sha256Hex(md5),
    });
    expect(hashedEmail(md5)).toEqual({ md5, sha256_md5: sha256Hex(md5) });
    expect(hashedEmail('nobody')).toBeUndefined();
  });

  it('sends one request per event', () => {
    const events = [1, 2, 3].map((n) => prepare(testEvent({ eventId: `e-${n}` })));

    expect(sut.buildRequests(events, settings).map((request) => request.members)).toEqual([
      [0],
      [1],
      [2],
    ]);
  });

  it('uses Criteo event names, and skips events Criteo has no name for', () => {
    const viewItem = testEvent({
      variables: { event: 'view_item', items: [{ item_id: 'sku-9' }] },
    });
    expect((prepare(viewItem).body.events as unknown[])[0]).toEqual({
      event: 'viewItem',
      timestamp: '2026-12-04T10:00:00.000Z',
      item: 'sku-9',
    });
    const mobile = testEvent({
      variables: { event: 'page_view' },
      userAgent: 'Mozilla/5.0 (iPhone)',
    });
    expect(prepare(mobile).body).toMatchObject({ site_type: 'm', events: [{ event: 'viewPage' }] });
    expect(() => prepare(testEvent({ variables: { event: 'newsletter' } }))).toThrow(
      UnsupportedEvent,
    );
  });

  it('rejects a transaction without an id or products', () => {
    const event = testEvent({ variables: { event: 'purchase' } });
    expect(() => prepare(event)).toThrow(ValidationError);
  });

  it('redacts identifiers in the recorded request', () => {
    const redacted = sut.redact(prepare()) as Record<string, unknown>;

    expect(redacted).toMatchObject({ id: '[redacted]', ip: '[redacted]', useragent: '[redacted]' });
    expect(redacted.full_url).toBe('https://shop.example/checkout/done');
  });
});
