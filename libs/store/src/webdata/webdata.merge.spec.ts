import { decodeFieldName, encodeFieldName, parseWebDataId, webDataId } from './webdata.keys';
import { mergeWebData } from './webdata.merge';
import { WebData } from './webdata.schema';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

function webData(seconds: number, cookies: Record<string, string>): WebData {
  const stamp = <T>(value: T) => ({ at: at(seconds), value });
  return {
    key: { siteId: 'shop', name: 'user_id', value: 'u1' },
    cookies: Object.fromEntries(
      Object.entries(cookies).map(([name, value]) => [name, stamp(value)]),
    ),
    variables: {},
    consent: {},
    page: { at: at(seconds), url: `https://shop.example/${seconds}`, referrer: null },
    collectedAt: at(seconds),
    expiresAt: at(seconds + 60),
  };
}

describe(mergeWebData.name, () => {
  it('keeps the newest value of each field, whatever the order of merging', () => {
    const older = webData(1, { _fbp: 'old', _ga: 'ga-1' });
    const newer = webData(2, { _fbp: 'new', _fbc: 'fbc-2' });

    const sut = [mergeWebData(older, newer), mergeWebData(newer, older)];

    for (const merged of sut) {
      expect(merged.cookies).toEqual({
        _fbp: { at: at(2), value: 'new' },
        _ga: { at: at(1), value: 'ga-1' },
        _fbc: { at: at(2), value: 'fbc-2' },
      });
      expect(merged.page?.url).toBe('https://shop.example/2');
      expect(merged.collectedAt).toEqual(at(2));
      expect(merged.expiresAt).toEqual(at(62));
    }
  });

  it('breaks a tie in time the same way in both orders, and keeps "__proto__" as data', () => {
    // As JSON.parse reads it from a message: an own property, not the prototype.
    const a = webData(5, JSON.parse('{"x":"a","__proto__":"p"}') as Record<string, string>);
    const b = webData(5, { x: 'b' });

    expect(mergeWebData(a, b).cookies.x).toEqual(mergeWebData(b, a).cookies.x);
    expect(Object.keys(mergeWebData(a, b).cookies)).toContain('__proto__');
  });
});

describe('web data keys', () => {
  it('round-trips ids whose values hold colons, and field names with "." "$" "%"', () => {
    const key = { siteId: 'shop', name: 'basket_id', value: 'a:b:c' };

    expect(parseWebDataId(webDataId(key))).toEqual(key);
    for (const name of ['a.b', '$x', '100%', '', 'plain_name', '%2e']) {
      const field = encodeFieldName(name);
      expect(field).not.toMatch(/[.$]/);
      expect(decodeFieldName(field)).toBe(name);
    }
  });
});
