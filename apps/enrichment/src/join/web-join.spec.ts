import { HIT_ENVELOPE_VERSION, ServerHitEnvelope, WebHitEnvelope } from '@tagrelay/contracts';
import { webDataId } from '@tagrelay/store';
import { contributionFor, lookupKeys, webDataOf } from './web-join';

const receivedAt = '2026-12-04T10:00:00.000Z';
const common = {
  v: HIT_ENVELOPE_VERSION,
  eventId: 'e1',
  siteId: 'shop',
  containerId: 'web',
  receivedAt,
  ip: null,
  userAgent: null,
} as const;

const web: WebHitEnvelope = {
  ...common,
  kind: 'web',
  variables: { page_type: 'cart' },
  keys: { user_id: 'u1', basket_id: 'b1' },
  cookies: { _fbp: 'fb.1' },
  consent: { marketing: true },
  page: { url: 'https://shop.example/', referrer: null },
};

const server: ServerHitEnvelope = {
  ...common,
  kind: 'server',
  variables: { event: 'purchase' },
  keys: { basket_id: 'b1', user_id: 'u1' },
};

describe(webDataOf.name, () => {
  it('stores a web hit under each of its keys, stamped with its time, for the container TTL', () => {
    const sut = webDataOf(web, { webDataTtlSeconds: 60 });

    expect(sut.map((data) => webDataId(data.key))).toEqual([
      'shop:user_id:u1',
      'shop:basket_id:b1',
    ]);
    expect(sut[0].cookies).toEqual({ _fbp: { at: new Date(receivedAt), value: 'fb.1' } });
    expect(sut[0].expiresAt).toEqual(new Date(Date.parse(receivedAt) + 60_000));
  });
});

describe(lookupKeys.name, () => {
  it("follows the container's key order, not the hit's, and skips keys it no longer has", () => {
    expect(lookupKeys(server, { reconciliationKeys: ['user_id', 'basket_id'] })).toEqual([
      { siteId: 'shop', name: 'user_id', value: 'u1' },
      { siteId: 'shop', name: 'basket_id', value: 'b1' },
    ]);
    expect(lookupKeys(server, { reconciliationKeys: ['email', 'basket_id'] })).toEqual([
      { siteId: 'shop', name: 'basket_id', value: 'b1' },
    ]);
  });
});

describe(contributionFor.name, () => {
  it('takes the first key that has data and gives plain values', () => {
    const [byUser, byBasket] = webDataOf(web, { webDataTtlSeconds: 60 });
    const keys = lookupKeys(server, { reconciliationKeys: ['user_id', 'basket_id'] });
    const onlyBasket = new Map([[webDataId(byBasket.key), byBasket]]);
    const both = new Map([...onlyBasket, [webDataId(byUser.key), byUser]]);

    expect(contributionFor(keys, both)?.matchedKey).toEqual({ name: 'user_id', value: 'u1' });
    expect(contributionFor(keys, onlyBasket)).toEqual({
      matchedKey: { name: 'basket_id', value: 'b1' },
      cookies: { _fbp: 'fb.1' },
      variables: { page_type: 'cart' },
      consent: { marketing: true },
      page: { url: 'https://shop.example/', referrer: null },
      collectedAt: receivedAt,
    });
    expect(contributionFor(keys, new Map())).toBeNull();
  });
});
