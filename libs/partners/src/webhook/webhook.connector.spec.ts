import { createHmac } from 'node:crypto';
import { ValidationError } from '@tagrelay/contracts';
import { TEST_NOW, testEvent, testSettings } from '../test-event.fixture';
import { WebhookConnector } from './webhook.connector';
import { signWebhook } from './webhook.signature';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe(WebhookConnector.name, () => {
  const sut = new WebhookConnector();
  const settings = testSettings(
    { secret: SECRET, 'header.Authorization': 'Bearer abc' },
    { url: 'http://127.0.0.1:9/hooks/tagrelay', 'header.X-Shop': 'shop' },
  );
  const prepare = (event = testEvent()) =>
    sut.prepare(sut.defaults(event), event, settings, TEST_NOW);

  it('signs with the Standard Webhooks test vector', () => {
    expect(
      signWebhook(SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('posts { type, timestamp, data } with its headers, signed at the time of sending', () => {
    const [request] = sut.buildRequests([prepare()], settings);
    const sent = sut.beforeSend(request, settings, TEST_NOW);

    expect(sent.url).toBe('http://127.0.0.1:9/hooks/tagrelay');
    expect(JSON.parse(sent.body)).toEqual({
      type: 'purchase',
      timestamp: '2026-12-04T10:00:00.000Z',
      data: testEvent(),
    });
    const timestamp = String(Math.floor(TEST_NOW.getTime() / 1000));
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(`${testEvent().eventId}.${timestamp}.${sent.body}`)
      .digest('base64');
    expect(sent.headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'tagrelay-dispatcher',
      Authorization: 'Bearer abc',
      'X-Shop': 'shop',
      'webhook-id': testEvent().eventId,
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('uses the mapping for the body and sends one request per event', () => {
    const event = testEvent();
    const fields = { type: 'order.paid', timestamp: event.receivedAt, data: { order: 'o-1001' } };
    const prepared = sut.prepare(fields, event, settings, TEST_NOW);

    const requests = sut.buildRequests(
      [prepared, prepare(testEvent({ eventId: 'e-2' }))],
      settings,
    );

    expect(requests.map((request) => request.members)).toEqual([[0], [1]]);
    expect(JSON.parse(requests[0].body)).toEqual(fields);
  });

  it('reads 410 as gone, other 4xx as rejected, 5xx as retry', () => {
    const answer = (status: number) => sut.judge({ status, headers: {}, body: '' }).kind;

    expect([answer(204), answer(410), answer(404), answer(502), answer(429)]).toEqual([
      'delivered',
      'gone',
      'rejected',
      'retry',
      'retry',
    ]);
  });

  it('refuses a body over its limit and settings it cannot use', () => {
    const small = testSettings({ secret: SECRET }, { url: 'http://x.example', maxBodyBytes: 100 });
    expect(() => sut.prepare(sut.defaults(testEvent()), testEvent(), small, TEST_NOW)).toThrow(
      ValidationError,
    );
    expect(
      sut.checkSettings(testSettings({ secret: 'whsec_short' }, { 'header.webhook-id': 'x' })),
    ).toEqual([
      'options.url is missing',
      'credentials.secret: must decode to 24..64 bytes',
      'header "webhook-id" is set by the dispatcher',
    ]);
  });

  it('redacts personal data of the event in the recorded body', () => {
    const redacted = JSON.stringify(sut.redact(prepare()));

    expect(redacted).not.toContain('Example.com');
    expect(redacted).not.toContain('203.0.113.0');
    expect(redacted).not.toContain('fb.1.');
    expect(redacted).not.toContain('U-42');
    expect(redacted).toContain('"order_id":"o-1001"');
  });
});
