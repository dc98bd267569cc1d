import { isPlainObject } from './event-fields';

export const REDACTED = '[redacted]';

/**
 * Names that carry personal data wherever they appear (webhook bodies, GA4
 * params): such values are replaced in delivery records.
 */
const PERSONAL_NAME =
  /^(e-?mail|user_?email|em|phone|phone_?number|ph|first_?name|last_?name|full_?name|name|fn|ln|gender|ge|date_?of_?birth|birthdate|dob|db|address|street|city|ct|state|st|zip|zip_?code|postal_?code|zp|ip|ip_?address|client_ip_address|user_?agent|useragent|client_user_agent|cookies?|external_id|user_?id|client_id|fbp|fbc|_fbp|_fbc|_ga|retailer_visitor_id|mapped_user_id|password|token|secret|matchedkey|keys)$/i;

export const isPersonalName = (name: string) => PERSONAL_NAME.test(name);

/** A copy with the values at the given dotted paths replaced (when present). */
export function redactPaths<T extends Record<string, unknown>>(value: T, paths: string[]): T {
  const copy = structuredClone(value);
  for (const path of paths) {
    const segments = path.split('.');
    let current: unknown = copy;
    for (const segment of segments.slice(0, -1)) {
      current = isPlainObject(current) ? current[segment] : undefined;
    }
    const last = segments[segments.length - 1];
    if (isPlainObject(current) && current[last] !== undefined) current[last] = REDACTED;
  }
  return copy;
}

/** A copy where every value under a personal-looking name is replaced, at any depth. */
export function redactPersonal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactPersonal);
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isPersonalName(key)) result[key] = REDACTED;
    else if (/url|location|referrer/i.test(key) && typeof inner === 'string')
      result[key] = withoutQuery(inner);
    else result[key] = redactPersonal(inner);
  }
  return result;
}

/** A URL without its query and fragment, where e-mails and click ids hide. */
export function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return REDACTED;
  }
}
