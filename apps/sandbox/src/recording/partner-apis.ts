import { timingSafeEqual } from 'node:crypto';
import { signWebhook } from '@tagrelay/partners';
import { SandboxPartner, SignatureCheck } from './recorded-request';

/** A request as it reached the sandbox, body unparsed. */
export interface IncomingRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lowercase names. */
  headers: Record<string, string>;
  body: string;
}

/** What the sandbox makes of a request, and what it answers, as that partner would. */
export interface PartnerAnswer {
  partner: SandboxPartner;
  status: number;
  /** JSON body of the answer; undefined for no body (204). */
  body: unknown;
  json: unknown;
  eventIds: string[];
  events: number;
  signature?: SignatureCheck;
}

export interface PartnerApiOptions {
  /** Verify Standard Webhooks signatures with this secret (`whsec_…`); unset: unchecked. */
  webhookSecret?: string;
  now?: () => Date;
}

/** The Conversions API path: `/{version}/{pixelId}/events`. */
const META_PATH = /^\/v\d+\.\d+\/[^/]+\/events\/?$/;
/** Standard Webhooks: a receiver rejects timestamps further than this from its clock. */
const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
const META_MAX_EVENTS = 1000;

/**
 * The partner APIs at the paths the dispatcher's connectors call (with the
 * destination's `baseUrl` set to the sandbox): Meta Conversions API, GA4
 * Measurement Protocol, Criteo server-side events and a webhook receiver at
 * `/webhook/<anything>`. Each answers as the real one does for a well-formed
 * request, and rejects what the real one would obviously reject, so a wrong
 * mapping shows up as a failed delivery, not as a silent success.
 */
export function answerPartnerRequest(
  request: IncomingRequest,
  options: PartnerApiOptions = {},
): PartnerAnswer {
  const json = parseJson(request.body);
  if (request.method === 'POST') {
    if (META_PATH.test(request.path)) return meta(request, json);
    if (request.path === '/mp/collect' || request.path === '/debug/mp/collect') {
      return ga4(request, json);
    }
    if (request.path === '/m/event') return criteo(json);
    if (request.path === '/webhook' || request.path.startsWith('/webhook/')) {
      return webhook(request, json, options);
    }
  }
  return {
    partner: 'unknown',
    status: 404,
    body: { error: `no partner API at ${request.method} ${request.path}` },
    json,
    eventIds: [],
    events: 0,
  };
}

function meta(request: IncomingRequest, json: unknown): PartnerAnswer {
  const data = isObject(json) && Array.isArray(json.data) ? json.data : null;
  const answer = (status: number, body: unknown): PartnerAnswer => ({
    partner: 'meta',
    status,
    body,
    json,
    eventIds: presentIds(
      (data ?? []).map((event) => (isObject(event) ? event.event_id : undefined)),
    ),
    events: data?.length ?? 0,
  });
  const graphError = (code: number, message: string) =>
    answer(400, { error: { message, type: 'OAuthException', code, fbtrace_id: 'sandbox' } });
  if (!request.query.access_token) {
    return graphError(104, 'An access token is required to request this resource.');
  }
  if (!data || data.length === 0) return graphError(100, '(#100) The parameter data is required');
  if (data.length > META_MAX_EVENTS) {
    return graphError(100, `(#100) data must have at most ${META_MAX_EVENTS} events`);
  }
  const broken = data.findIndex(
    (event) =>
      !isObject(event) ||
      typeof event.event_name !== 'string' ||
      typeof event.event_time !== 'number' ||
      !isObject(event.user_data),
  );
  if (broken !== -1) {
    return graphError(100, `(#100) data[${broken}] needs event_name, event_time and user_data`);
  }
  return answer(200, { events_received: data.length, messages: [], fbtrace_id: 'sandbox' });
}

function ga4(request: IncomingRequest, json: unknown): PartnerAnswer {
  const events = isObject(json) && Array.isArray(json.events) ? json.events : [];
  const eventIds = presentIds(
    events.map((event) =>
      isObject(event) && isObject(event.params) ? event.params.event_id : undefined,
    ),
  );
  const base = { partner: 'ga4' as const, json, eventIds, events: events.length };
  // NOTE: the real collect endpoint answers 2xx to anything; only its debug twin validates.
  if (request.path === '/debug/mp/collect') {
    const valid = isObject(json) && typeof json.client_id === 'string' && events.length > 0;
    return {
      ...base,
      status: 200,
      body: {
        validationMessages: valid
          ? []
          : [
              {
                description: 'client_id and events are required',
                validationCode: 'VALUE_REQUIRED',
              },
            ],
      },
    };
  }
  return { ...base, status: 204, body: undefined };
}

function criteo(json: unknown): PartnerAnswer {
  const events = isObject(json) && Array.isArray(json.events) ? json.events : [];
  const base = { partner: 'criteo' as const, json, eventIds: [], events: events.length };
  if (!isObject(json) || typeof json.account !== 'string' || events.length === 0) {
    return { ...base, status: 400, body: { error: 'account and events are required' } };
  }
  return { ...base, status: 200, body: {} };
}

function webhook(
  request: IncomingRequest,
  json: unknown,
  { webhookSecret, now = () => new Date() }: PartnerApiOptions,
): PartnerAnswer {
  const id = request.headers['webhook-id'];
  const signature = webhookSecret ? checkSignature(request, webhookSecret, now()) : 'unchecked';
  const base = {
    partner: 'webhook' as const,
    json,
    eventIds: id ? [id] : [],
    events: 1,
    signature,
  };
  if (signature === 'invalid') {
    return { ...base, status: 401, body: { error: 'webhook signature does not verify' } };
  }
  return { ...base, status: 204, body: undefined };
}

/**
 * Standard Webhooks verification: HMAC over `id.timestamp.body`, any of the
 * space-separated `v1,<base64>` signatures may match, timestamp within 5 minutes.
 */
function checkSignature(request: IncomingRequest, secret: string, now: Date): SignatureCheck {
  const id = request.headers['webhook-id'];
  const timestamp = Number(request.headers['webhook-timestamp']);
  const header = request.headers['webhook-signature'];
  if (!id || !Number.isInteger(timestamp) || !header) return 'invalid';
  if (Math.abs(now.getTime() / 1000 - timestamp) > WEBHOOK_TOLERANCE_SECONDS) return 'invalid';
  const expected = Buffer.from(signWebhook(secret, id, timestamp, request.body));
  const matches = header.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? 'valid' : 'invalid';
}

function parseJson(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The ids that are non-empty strings; events without one are counted apart. */
function presentIds(values: unknown[]): string[] {
  return values.filter((value): value is string => typeof value === 'string' && value !== '');
}
