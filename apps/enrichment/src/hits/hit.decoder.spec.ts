import { ConsumedMessage } from '@tagrelay/kafka';
import { decodeServerHit, decodeWebHit } from './hit.decoder';

const message = (value: string | null): ConsumedMessage => ({
  topic: 'hits.server',
  partition: 0,
  offset: '0',
  key: null,
  value: value === null ? null : Buffer.from(value),
  headers: {},
  timestamp: '0',
});

describe(decodeServerHit.name, () => {
  it('accepts a server envelope and names what is wrong otherwise, without the data', () => {
    const hit = {
      v: 1,
      kind: 'server',
      eventId: 'e1',
      siteId: 'shop',
      containerId: 'web',
      receivedAt: '2026-12-04T10:00:00.000Z',
      ip: null,
      userAgent: null,
      variables: { email: 'secret@example.com' },
      keys: {},
    };

    expect(decodeServerHit(message(JSON.stringify(hit)))).toEqual({ ok: true, hit });
    expect(decodeServerHit(message(null))).toEqual({ ok: false, reason: 'empty message' });
    expect(decodeServerHit(message('{"v":'))).toMatchObject({
      reason: expect.stringMatching(/^not JSON/),
    });
    const wrongKind = decodeWebHit(message(JSON.stringify(hit)));
    expect(wrongKind).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a hit envelope: kind/),
    });
    expect(JSON.stringify(wrongKind)).not.toContain('secret@example.com');
  });
});
