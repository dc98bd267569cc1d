const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Paths of a mapping: `user_data/em` or `user_data.em`, `params/value`.
 * NOTE: `/` is the one to store: FerretDB refuses "." in document keys (real
 * MongoDB accepts both). Segments are names, never indexes; prototype names
 * are refused so configuration cannot pollute objects.
 */
export function parseFieldPath(path: string): string[] | null {
  const segments = path.split(/[./]/);
  if (segments.some((segment) => segment === '' || FORBIDDEN.has(segment))) return null;
  return segments;
}

/** Sets (or, with `undefined`, deletes) a value, creating the objects on the way. */
export function setField(target: Record<string, unknown>, path: string[], value: unknown): void {
  let current = target;
  for (const segment of path.slice(0, -1)) {
    const next = current[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const created: Record<string, unknown> = {};
      current[segment] = created;
      current = created;
    } else {
      current = next as Record<string, unknown>;
    }
  }
  const last = path[path.length - 1];
  if (value === undefined) delete current[last];
  else current[last] = value;
}

export function getField(source: unknown, path: string[]): unknown {
  let current = source;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
