import { signWebhook } from '@tagrelay/partners';
import { answerPartnerRequest, IncomingRequest } from './partner-apis';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NOW = new Date('2026-12-04T10:00:00.000Z');

function post(path: string, body: unknown, extra: Partial<IncomingRequest> = {}): IncomingRequest {
  return {
    method: 'POST',
    path,
    query: {},
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...extra,
  };
}

const metaEvent = (id: string) => ({
  event_name: 'Purchase',
  event_time: 1_764_842_400,
  event_id: id,
  user_data: { fbp: 'fb.1.1.2' },
});

describe('answerPartnerRequest', () => {
  it('answers Meta like the Conversions API and reads the event ids', () => {
    const sut = answerPartnerRequest(
      post(
        '/v23.0/1234567890/events',
        { data: [metaEvent('a'), metaEvent('b')] },
        {
          query: { access_token: 'token' },
        },
      ),
    );

    expect(sut).toMatchObject({ partner: 'meta', status: 200, eventIds: ['a', 'b'], events: 2 });
    expect(sut.body).toMatchObject({ events_received: 2 });
  });

  it('rejects a Meta request without a token, or with an event Meta would refuse', () => {
    const body = { data: [metaEvent('a')] };
    expect(answerPartnerRequest(post('/v23.0/1/events', body)).status).toBe(400);
    const broken = { data: [{ ...metaEvent('a'), event_time: '2026-12-04' }] };
    const sut = answerPartnerRequest(
      post('/v23.0/1/events', broken, { query: { access_token: 't' } }),
    );
    expect(sut.status).toBe(400);
    expect(JSON.stringify(sut.body)).toContain('data[0]');
  });

  it('answers GA4 with 204 whatever the body, like the real collect endpoint', () => {
    const sut = answerPartnerRequest(
      post('/mp/collect', {
        client_id: '1.2',
        events: [{ name: 'purchase', params: { event_id: 'a' } }, { name: 'page_view' }],
      }),
    );

    expect(sut).toMatchObject({ partner: 'ga4', status: 204, eventIds: ['a'], events: 2 });
    expect(answerPartnerRequest(post('/mp/collect', 'not json')).status).toBe(204);
  });

  it('answers Criteo and counts its events (they carry no event id)', () => {
    const ok = answerPartnerRequest(
      post('/m/event', { account: 'acme', events: [{ event: 'viewHome' }] }),
    );
    expect(ok).toMatchObject({ partner: 'criteo', status: 200, eventIds: [], events: 1 });
    expect(answerPartnerRequest(post('/m/event', { events: [] })).status).toBe(400);
  });

  it('verifies webhook signatures when it knows the secret', () => {
    const body = JSON.stringify({ type: 'purchase' });
    const timestamp = Math.floor(NOW.getTime() / 1000);
    const headers = {
      'webhook-id': 'evt-1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,bogus= ${signWebhook(SECRET, 'evt-1', timestamp, body)}`,
    };
    const options = { webhookSecret: SECRET, now: () => NOW };

    const signed = answerPartnerRequest(post('/webhook/orders', body, { headers }), options);
    expect(signed).toMatchObject({ status: 204, signature: 'valid', eventIds: ['evt-1'] });

    const tampered = answerPartnerRequest(
      post('/webhook/orders', `${body} `, { headers }),
      options,
    );
    expect(tampered).toMatchObject({ status: 401, signature: 'invalid' });

    const old = answerPartnerRequest(post('/webhook/orders', body, { headers }), {
      ...options,
      now: () => new Date(NOW.getTime() + 10 * 60_000),
    });
    expect(old.signature).toBe('invalid');

    expect(answerPartnerRequest(post('/webhook', body, { headers })).signature).toBe('unchecked');
  });

  it('records a path no partner has as unknown, with a 404', () => {
    expect(answerPartnerRequest(post('/v2/collect', {}))).toMatchObject({
      partner: 'unknown',
      status: 404,
    });
  });
});
