import type { PartnerResponse, Verdict } from '../partner.connector';

const RESPONSE_EXCERPT = 300;

/** `HTTP 503: <start of the body>`: the reason recorded for an answer. */
export function describeResponse(response: PartnerResponse): string {
  const body = response.body.replace(/\s+/g, ' ').trim();
  const excerpt = body.length > RESPONSE_EXCERPT ? `${body.slice(0, RESPONSE_EXCERPT)}…` : body;
  return excerpt ? `HTTP ${response.status}: ${excerpt}` : `HTTP ${response.status}`;
}

/**
 * The HTTP reading most partners share: 2xx delivered; 408, 425, 429 and 5xx
 * may succeed later (honouring Retry-After); any other 4xx never will.
 */
export function judgeHttp(response: PartnerResponse, now = Date.now()): Verdict {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return {
      kind: 'retry',
      reason: describeResponse(response),
      retryAfterMs: parseRetryAfter(header(response, 'retry-after'), now),
    };
  }
  return { kind: 'rejected', reason: describeResponse(response) };
}

/** Retry-After in delay-seconds or as an HTTP date (RFC 9110 §10.2.3), in ms from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

export function header(response: PartnerResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
