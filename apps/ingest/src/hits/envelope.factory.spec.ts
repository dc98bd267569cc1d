import { serverHitEnvelopeSchema } from '@tagrelay/contracts';
import type { ContainerRecord } from '@tagrelay/store';
import { serverEnvelope, webEnvelope } from './envelope.factory';
import { parseServerHit, parseWebHit } from './hit.parser';

const container = {
  siteId: 'shop',
  siteName: 'Shop',
  containerId: 'web',
  writeKeyDigests: [],
  allowedOrigins: ['https://shop.example'],
  reconciliationKeys: ['user_id', 'basket_id'],
  cookies: ['_fbp'],
  variables: [],
  ipAnonymization: 'truncate',
  rateLimitPerSecond: 0,
  version: 1,
  updatedAt: new Date(0),
} as unknown as ContainerRecord;

const facts = {
  ip: '203.0.113.77',
  userAgent: 'Mozilla/5.0 "quoted" \\ émoji 🛒 \u2028',
  receivedAt: Date.UTC(2026, 11, 4, 12, 0, 0, 123),
};

/** A hit as a JSON body arrives: its text, and what JSON.parse made of it. */
function jsonBody(text: string): { input: unknown; text: string } {
  return { input: JSON.parse(text), text };
}

describe(serverEnvelope.name, () => {
  it('writes the JSON of the envelope, whether the variables come as text or as an object', () => {
    const body = jsonBody(
      ' {"user_id": "u-1", "basket_id": "b\\"1\\\\", "amount": 12.5, "items": [{"sku": "A\\"1", "n": null}], "ok": true,' +
        ' "note": "caf\\u00e9 \\ud83d\\uded2"} ',
    );
    const fromText = serverEnvelope(
      container,
      parseServerHit(body.input, 'body', body.text),
      facts,
    );
    const fromObject = serverEnvelope(container, parseServerHit(body.input), facts);

    for (const hit of [fromText, fromObject]) {
      const written = JSON.parse(hit.json);
      expect(written).toEqual(hit.envelope);
      // Every field of the envelope is written, in the schema's shape.
      expect(Object.keys(written).sort()).toEqual(Object.keys(hit.envelope).sort());
      expect(serverHitEnvelopeSchema.parse(written)).toEqual(hit.envelope);
    }
    expect(fromText.json).toContain(body.text);
    expect(fromText.envelope).toMatchObject({
      receivedAt: '2026-12-04T12:00:00.123Z',
      ip: '203.0.113.0',
      keys: { user_id: 'u-1', basket_id: 'b"1\\' },
    });
  });

  it('serialises the variables when the body held more than them', () => {
    const body = jsonBody('{"event_id": "0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B", "user_id": 7}');
    const hit = serverEnvelope(container, parseServerHit(body.input, 'body', body.text), facts);

    expect(hit.json).not.toContain('event_id');
    expect(JSON.parse(hit.json)).toEqual({
      ...hit.envelope,
      eventId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      variables: { user_id: 7 },
      keys: { user_id: '7' },
    });
  });

  it('keeps the value JSON.parse kept when the text repeats a name', () => {
    const body = jsonBody('{"user_id": "first", "user_id": "second"}');
    const hit = serverEnvelope(container, parseServerHit(body.input, 'body', body.text), facts);

    expect(JSON.parse(hit.json).variables).toEqual({ user_id: 'second' });
    expect(hit.envelope.keys).toEqual({ user_id: 'second' });
  });

  it.each([
    'plain/1.0',
    'with "quotes"',
    'back\\slash',
    'control\u0001char',
    'lone \ud800 surrogate',
    'emoji 🛒',
    'line\u2028separator',
  ])('writes the user agent %j as JSON.stringify would', (userAgent) => {
    const hit = serverEnvelope(container, parseServerHit({ user_id: userAgent }), {
      ...facts,
      userAgent,
    });

    // As it reaches Kafka: UTF-8 bytes (a lone surrogate survives only escaped).
    const written = JSON.parse(Buffer.from(hit.json, 'utf8').toString('utf8'));
    expect(written).toEqual(hit.envelope);
    expect(written).toMatchObject({ userAgent, keys: { user_id: userAgent } });
  });

  it('writes null ip and user agent, and a new time for each millisecond', () => {
    const first = serverEnvelope(container, parseServerHit({ a: 1 }), {
      ip: undefined,
      userAgent: undefined,
      receivedAt: facts.receivedAt,
    });
    const second = serverEnvelope(container, parseServerHit({ a: 1 }), {
      ...facts,
      receivedAt: facts.receivedAt + 1,
    });

    expect(JSON.parse(first.json)).toMatchObject({ ip: null, userAgent: null });
    expect(first.envelope.receivedAt).toBe('2026-12-04T12:00:00.123Z');
    expect(second.envelope.receivedAt).toBe('2026-12-04T12:00:00.124Z');
    expect(second.envelope.eventId).not.toBe(first.envelope.eventId);
  });
});

describe(webEnvelope.name, () => {
  it('writes the JSON of the envelope with only the cookies the container collects', () => {
    const hit = webEnvelope(
      container,
      parseWebHit({
        keys: { user_id: 'u-1' },
        cookies: { _fbp: 'fb.1.2', other: 'x' },
        consent: { ads: true },
        page: { url: 'https://shop.example/', referrer: null },
      }),
      facts,
    );

    expect(JSON.parse(hit.json)).toEqual(hit.envelope);
    expect(hit.envelope.cookies).toEqual({ _fbp: 'fb.1.2' });
  });
});
