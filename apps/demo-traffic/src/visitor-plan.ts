/**
 * The visitors of a demo run and the hits each one makes, in order. A
 * realistic shop: most visitors load the browser tag (web hit with cookies
 * first, then the site's server hits); some block it (server hits only); for
 * some the browser's beacon arrives after the first server hits (late web
 * data, joined within the container's match window).
 */
export type VisitorKind = 'web-first' | 'server-only' | 'late-web';

export const VISITOR_MIX: Record<VisitorKind, number> = {
  'web-first': 0.7,
  'server-only': 0.15,
  'late-web': 0.15,
};

export type PlannedHit =
  | { kind: 'web'; body: WebHitBody; delayMs: number }
  | { kind: 'server'; event: string; body: Record<string, unknown>; delayMs: number };

export interface WebHitBody {
  keys: Record<string, string>;
  cookies: Record<string, string>;
  variables: Record<string, unknown>;
  consent: Record<string, boolean>;
  page: { url: string; referrer: string | null };
}

export interface Visitor {
  userId: string;
  kind: VisitorKind;
  userAgent: string;
  ip: string;
  hits: PlannedHit[];
}

const SHOP = 'https://demo-shop.example';
const PRODUCTS = [
  { id: 'sku-mug', name: 'Mug', price: 12.5 },
  { id: 'sku-tee', name: 'T-shirt', price: 24.9 },
  { id: 'sku-cap', name: 'Cap', price: 18 },
  { id: 'sku-bag', name: 'Tote bag', price: 9.9 },
  { id: 'sku-hoodie', name: 'Hoodie', price: 54 },
];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
const FIRST_NAMES = ['ada', 'grace', 'alan', 'linus', 'barbara', 'ken', 'margaret', 'dennis'];

/** A small seeded generator (mulberry32): the same seed gives the same mix. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` visitors; `runId` makes their user ids unique to this run. */
export function planVisitors(
  count: number,
  runId: string,
  seed: number,
  now = Date.now(),
): Visitor[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const digits = (length: number) =>
    Array.from({ length }, (_, i) =>
      i === 0 ? 1 + Math.floor(random() * 9) : Math.floor(random() * 10),
    ).join('');

  return Array.from({ length: count }, (_, index) => {
    const roll = random();
    const kind: VisitorKind =
      roll < VISITOR_MIX['web-first']
        ? 'web-first'
        : roll < VISITOR_MIX['web-first'] + VISITOR_MIX['server-only']
          ? 'server-only'
          : 'late-web';
    const userId = `u-${runId}-${index + 1}`;
    const firstSeen = now - Math.floor(random() * 30 * 86_400_000);
    const fromAd = random() < 0.3;
    const cookies: Record<string, string> = {
      _fbp: `fb.1.${firstSeen}.${digits(10)}`,
      _ga: `GA1.1.${digits(10)}.${Math.floor(firstSeen / 1000)}`,
      ...(fromAd ? { _fbc: `fb.1.${now}.IwAR${digits(12)}` } : {}),
    };
    const landing = `${SHOP}/products/${pick(PRODUCTS).id}${fromAd ? `?fbclid=IwAR${digits(8)}` : ''}`;
    const webHit = (delayMs: number): PlannedHit => ({
      kind: 'web',
      delayMs,
      body: {
        keys: { user_id: userId },
        cookies,
        variables: { page_type: 'product' },
        consent: { analytics: true, marketing: random() < 0.9 },
        page: { url: landing, referrer: fromAd ? 'https://m.facebook.com/' : null },
      },
    });

    const serverHit = (event: string, variables: Record<string, unknown>): PlannedHit => ({
      kind: 'server',
      event,
      delayMs: 0,
      body: { event, user_id: userId, ...variables },
    });
    const server: PlannedHit[] = [];
    const pageViews = 1 + Math.floor(random() * 3);
    for (let i = 0; i < pageViews; i++) {
      server.push(
        serverHit('page_view', {
          page_url: i === 0 ? landing : `${SHOP}/products/${pick(PRODUCTS).id}`,
        }),
      );
    }
    const basket = [pick(PRODUCTS), ...(random() < 0.3 ? [pick(PRODUCTS)] : [])].map((product) => ({
      id: product.id,
      name: product.name,
      price: product.price,
      quantity: 1 + Math.floor(random() * 2),
    }));
    const value = Number(
      basket.reduce((sum, item) => sum + item.price * item.quantity, 0).toFixed(2),
    );
    if (random() < 0.6) {
      server.push(
        serverHit('add_to_cart', {
          page_url: `${SHOP}/cart`,
          items: basket,
          value,
          currency: 'EUR',
        }),
      );
      if (random() < 0.55) {
        server.push(
          serverHit('purchase', {
            page_url: `${SHOP}/checkout/thanks`,
            order_id: `o-${runId}-${index + 1}`,
            value,
            currency: 'EUR',
            email: `${pick(FIRST_NAMES)}.${index + 1}@example.com`,
            items: basket,
          }),
        );
      }
    }
    const hits =
      kind === 'web-first'
        ? [webHit(0), ...server]
        : kind === 'server-only'
          ? server
          : // NOTE: the beacon arrives well inside the demo site's 3 s match window.
            [...server, webHit(300 + Math.floor(random() * 700))];
    return {
      userId,
      kind,
      userAgent: pick(USER_AGENTS),
      ip: `198.51.100.${1 + Math.floor(random() * 254)}`,
      hits,
    };
  });
}
