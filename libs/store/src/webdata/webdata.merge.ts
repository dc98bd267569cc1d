import { Stamped, StampedPage, WebData } from './webdata.schema';

/**
 * Newest wins per field, as `$max` on `{ at, value }` does in the store. Two
 * values stamped with the same millisecond are ordered by their JSON text, so
 * the result does not depend on the order hits are merged in.
 */
export function mergeWebData(a: WebData, b: WebData): WebData {
  return {
    key: a.key,
    cookies: mergeFields(a.cookies, b.cookies),
    variables: mergeFields(a.variables, b.variables),
    consent: mergeFields(a.consent, b.consent),
    page: a.page === null ? b.page : b.page === null ? a.page : newest(a.page, b.page),
    collectedAt: maxDate(a.collectedAt, b.collectedAt),
    expiresAt: maxDate(a.expiresAt, b.expiresAt),
  };
}

function mergeFields<T>(
  a: Record<string, Stamped<T>>,
  b: Record<string, Stamped<T>>,
): Record<string, Stamped<T>> {
  // NOTE: a Map, not an object literal: a field named "__proto__" must stay data.
  const merged = new Map(Object.entries(a));
  for (const [name, incoming] of Object.entries(b)) {
    const current = merged.get(name);
    merged.set(name, current === undefined ? incoming : newest(current, incoming));
  }
  return Object.fromEntries(merged);
}

function newest<T extends Stamped<unknown> | StampedPage>(a: T, b: T): T {
  const byTime = a.at.getTime() - b.at.getTime();
  if (byTime !== 0) return byTime > 0 ? a : b;
  return JSON.stringify(a) >= JSON.stringify(b) ? a : b;
}

const maxDate = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
