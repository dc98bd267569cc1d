import { planVisitors, VISITOR_MIX } from './visitor-plan';

describe('planVisitors', () => {
  const sut = planVisitors(2000, 'run1', 7, Date.parse('2026-12-04T10:00:00Z'));

  it('mixes visitors with web data first, late web data and none, about as configured', () => {
    for (const kind of ['web-first', 'server-only', 'late-web'] as const) {
      const share = sut.filter((visitor) => visitor.kind === kind).length / sut.length;
      expect(Math.abs(share - VISITOR_MIX[kind])).toBeLessThan(0.03);
    }
  });

  it('orders each visitor’s hits by kind: web first, web last (late, after a delay) or no web hit', () => {
    for (const visitor of sut) {
      const kinds = visitor.hits.map((hit) => hit.kind);
      const webAt = kinds.indexOf('web');
      if (visitor.kind === 'web-first') expect(webAt).toBe(0);
      if (visitor.kind === 'server-only') expect(webAt).toBe(-1);
      if (visitor.kind === 'late-web') {
        expect(webAt).toBe(kinds.length - 1);
        expect(visitor.hits[webAt].delayMs).toBeGreaterThan(0);
      }
      expect(kinds.filter((kind) => kind === 'server').length).toBeGreaterThan(0);
    }
  });

  it('gives purchases what every partner needs and each visitor its own key', () => {
    const purchases = sut
      .flatMap((visitor) => visitor.hits)
      .filter((hit) => hit.kind === 'server' && hit.event === 'purchase');
    expect(purchases.length).toBeGreaterThan(200);
    for (const hit of purchases) {
      expect(hit.body).toMatchObject({
        event: 'purchase',
        order_id: expect.any(String),
        value: expect.any(Number),
        currency: 'EUR',
        email: expect.stringContaining('@'),
        items: expect.arrayContaining([expect.objectContaining({ id: expect.any(String) })]),
      });
    }
    expect(new Set(sut.map((visitor) => visitor.userId)).size).toBe(sut.length);
  });

  it('is repeatable with the same seed', () => {
    const again = planVisitors(50, 'run1', 7, Date.parse('2026-12-04T10:00:00Z'));
    expect(again).toEqual(sut.slice(0, 50));
  });
});
