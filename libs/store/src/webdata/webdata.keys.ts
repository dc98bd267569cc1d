import { WebDataKey } from './webdata.schema';

/**
 * `_id` of a key's web data: `siteId:name:value`. Site ids and key names
 * cannot contain ":" (site-config schema), so the first two colons split it
 * back unambiguously whatever the value holds.
 */
export function webDataId(key: WebDataKey): string {
  return `${key.siteId}:${key.name}:${key.value}`;
}

export function parseWebDataId(id: string): WebDataKey {
  const first = id.indexOf(':');
  const second = id.indexOf(':', first + 1);
  if (first <= 0 || second <= first) throw new Error(`not a web data id: ${id}`);
  return {
    siteId: id.slice(0, first),
    name: id.slice(first + 1, second),
    value: id.slice(second + 1),
  };
}

/**
 * Escapes a cookie, variable or consent name for use as a field name: `.`
 * and `$` would be read as a path or an operator, `%` is the escape itself,
 * and the empty name becomes a lone `%` (which escaping never produces).
 */
export function encodeFieldName(name: string): string {
  if (name === '') return '%';
  return name.replace(/[%.$]/g, (char) => `%${char.charCodeAt(0).toString(16)}`);
}

export function decodeFieldName(field: string): string {
  if (field === '%') return '';
  return field.replace(/%([0-9a-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}
