import { EnrichedEvent, ValidationError } from '@tagrelay/contracts';
import { jsonBytes, packEvents } from '../common/batching';
import {
  compact,
  cookie,
  currencyCode,
  eventName,
  isPlainObject,
  items,
  orderId,
  pageUrl,
  purchaseValue,
  referrerUrl,
  text,
  userId,
} from '../common/event-fields';
import { REDACTED, redactPersonal } from '../common/redaction';
import { baseUrl, checkBaseUrl, credential, missingCredentials } from '../common/settings';
import { judgeHttp } from '../common/verdict';
import {
  DestinationSettings,
  PartnerConnector,
  PartnerRequest,
  PartnerResponse,
  PreparedEvent,
  Verdict,
} from '../partner.connector';
import {
  GA4_LIMITS,
  validateConsent,
  validateEventName,
  validateParams,
  validateTimestampMicros,
  validateUserProperties,
} from './ga4.validation';

export const GA4_DEFAULT_BASE_URL = 'https://www.google-analytics.com';

/** Request-level fields: events share a request only when these are equal. */
const REQUEST_FIELDS = [
  'client_id',
  'user_id',
  'user_properties',
  'consent',
  'non_personalized_ads',
  'user_location',
  'device',
] as const;
const EVENT_FIELDS = new Set(['name', 'params', 'timestamp_micros']);

/**
 * Google Analytics 4 Measurement Protocol:
 * `POST {base}/mp/collect?measurement_id=…&api_secret=…`, up to 25 events of one
 * client per request, body under 130 kB. The real endpoint answers 2xx even to
 * malformed events, so every limit is checked here and an event that breaks
 * one is rejected with the reason instead of vanishing.
 *
 * Settings: `credentials.measurementId`, `credentials.apiSecret`; option `baseUrl`.
 */
export class Ga4Connector implements PartnerConnector {
  readonly partner = 'ga4' as const;

  checkSettings(settings: DestinationSettings): string[] {
    return [
      ...missingCredentials(settings, ['measurementId', 'apiSecret']),
      ...checkBaseUrl(settings),
    ];
  }

  defaults(event: EnrichedEvent): Record<string, unknown> {
    return compact({
      client_id: gaClientId(cookie(event, '_ga')) ?? text(event.variables.client_id),
      user_id: userId(event),
      name: eventName(event),
      timestamp_micros: Date.parse(event.receivedAt) * 1000,
      params: {
        value: purchaseValue(event),
        currency: currencyCode(event),
        transaction_id: orderId(event),
        items: items(event)?.map(ga4Item),
        page_location: pageUrl(event),
        page_referrer: referrerUrl(event),
      },
    });
  }

  prepare(
    fields: Record<string, unknown>,
    event: EnrichedEvent,
    _settings: DestinationSettings,
    now: Date,
  ): PreparedEvent {
    for (const field of Object.keys(fields)) {
      if (!EVENT_FIELDS.has(field) && !(REQUEST_FIELDS as readonly string[]).includes(field)) {
        throw new ValidationError(field, 'not a Measurement Protocol field');
      }
    }
    const clientId = text(fields.client_id);
    if (!clientId) {
      throw new ValidationError('client_id', 'missing (no _ga cookie in the web data, no mapping)');
    }
    const request = compact({
      client_id: clientId,
      user_id: text(fields.user_id),
      user_properties: validateUserProperties(fields.user_properties),
      consent: validateConsent(fields.consent),
      non_personalized_ads: fields.non_personalized_ads,
      user_location: fields.user_location,
      device: fields.device,
    });
    const ga4Event = compact({
      name: validateEventName(fields.name),
      params: validateParams(fields.params),
      timestamp_micros: validateTimestampMicros(fields.timestamp_micros, now),
    });
    const bytes = jsonBytes({ ...request, events: [ga4Event] });
    if (bytes >= GA4_LIMITS.bodyBytes) {
      throw new ValidationError('body', `${bytes} bytes, must be under ${GA4_LIMITS.bodyBytes}`);
    }
    return {
      eventId: event.eventId,
      body: { ...request, event: ga4Event },
      groupKey: JSON.stringify(request),
    };
  }

  buildRequests(events: PreparedEvent[], settings: DestinationSettings): PartnerRequest[] {
    const url =
      `${baseUrl(settings, GA4_DEFAULT_BASE_URL)}/mp/collect` +
      `?measurement_id=${encodeURIComponent(credential(settings, 'measurementId') ?? '')}` +
      `&api_secret=${encodeURIComponent(credential(settings, 'apiSecret') ?? '')}`;
    const packs = packEvents(
      events,
      { maxEvents: GA4_LIMITS.eventsPerRequest, maxBytes: GA4_LIMITS.bodyBytes },
      (first) => jsonBytes({ ...requestPart(first), events: [] }),
      (event) => jsonBytes(event.body.event),
    );
    return packs.map(({ members }) => ({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...requestPart(events[members[0]]),
        events: members.map((index) => events[index].body.event),
      }),
      members,
    }));
  }

  beforeSend(request: PartnerRequest): PartnerRequest {
    return request;
  }

  judge(response: PartnerResponse): Verdict {
    return judgeHttp(response);
  }

  redact(event: PreparedEvent): unknown {
    const { event: ga4Event, ...request } = event.body;
    const redacted: Record<string, unknown> = { ...request };
    for (const field of ['client_id', 'user_id', 'user_location', 'device']) {
      if (redacted[field] !== undefined) redacted[field] = REDACTED;
    }
    if (isPlainObject(redacted.user_properties)) {
      redacted.user_properties = Object.fromEntries(
        Object.keys(redacted.user_properties).map((name) => [name, REDACTED]),
      );
    }
    return { ...redacted, event: redactPersonal(ga4Event) };
  }
}

function requestPart({ body: { event: _event, ...request } }: PreparedEvent) {
  return request;
}

/**
 * The client id inside the `_ga` cookie: `GA1.1.1234567890.1699999999` →
 * `1234567890.1699999999` (its last two parts, as gtag.js reads it).
 */
export function gaClientId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const parts = value.split('.');
  if (parts.length < 4 || !/^GA\d/i.test(parts[0])) return undefined;
  const clientId = parts.slice(-2).join('.');
  return /^\d+\.\d+$/.test(clientId) ? clientId : undefined;
}

/** Data-layer items with GA4's names (`id` → `item_id`, `name` → `item_name`). */
function ga4Item(item: Record<string, unknown>): Record<string, unknown> {
  const { id, name, ...rest } = item;
  return compact({ item_id: rest.item_id ?? id, item_name: rest.item_name ?? name, ...rest });
}
