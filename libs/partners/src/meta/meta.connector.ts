import { EnrichedEvent, ValidationError } from '@tagrelay/contracts';
import { packEvents } from '../common/batching';
import {
  compact,
  cookie,
  currencyCode,
  eventName,
  isPlainObject,
  items,
  numeric,
  orderId,
  pageUrl,
  purchaseValue,
  text,
  unixSeconds,
  userId,
  USUAL_NAMES,
  variable,
} from '../common/event-fields';
import { REDACTED, withoutQuery } from '../common/redaction';
import {
  baseUrl,
  checkBaseUrl,
  credential,
  missingCredentials,
  optionNumber,
  optionString,
} from '../common/settings';
import { judgeHttp } from '../common/verdict';
import {
  DestinationSettings,
  PartnerConnector,
  PartnerRequest,
  PartnerResponse,
  PreparedEvent,
  Verdict,
} from '../partner.connector';
import { metaEventName } from './meta.event-names';
import { normalizeUserData } from './meta.user-data';

export const META_DEFAULT_BASE_URL = 'https://graph.facebook.com';
export const META_DEFAULT_API_VERSION = 'v23.0';
/** "A maximum of 1,000 events" per request (Conversions API, Using the API). */
export const META_MAX_EVENTS = 1000;
/** Events older than 7 days are rejected (and reject their whole batch). */
export const META_MAX_AGE_SECONDS = 7 * 86_400;

const ACTION_SOURCES = new Set([
  'email',
  'website',
  'app',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
]);

/** Main body parameters of a server event; anything else is a mapping mistake. */
const SERVER_EVENT_FIELDS = new Set([
  'event_name',
  'event_time',
  'user_data',
  'custom_data',
  'event_source_url',
  'opt_out',
  'event_id',
  'action_source',
  'data_processing_options',
  'data_processing_options_country',
  'data_processing_options_state',
  'referrer_url',
  'customer_segmentation',
  'app_data',
  'original_event_data',
  'attribution_data',
  'messaging_channel',
]);

/**
 * NOTE: Graph API error codes that mean "later": rate limits (4, 17, 32, 613,
 * 80004) and temporary failures (1, 2), which Meta answers with HTTP 400.
 */
const TRANSIENT_ERROR_CODES = new Set([1, 2, 4, 17, 32, 341, 613, 80004]);

/**
 * Meta Conversions API: `POST {base}/{version}/{pixelId}/events`, up to 1,000
 * events in `data`. One invalid event rejects the whole request, so every
 * event is validated here first and the invalid ones never join a batch.
 *
 * Settings: `credentials.pixelId`, `credentials.accessToken`; options
 * `baseUrl`, `apiVersion`, `testEventCode`, `batchSize`, `actionSource`,
 * `phoneCountryCode`.
 */
export class MetaConnector implements PartnerConnector {
  readonly partner = 'meta' as const;

  checkSettings(settings: DestinationSettings): string[] {
    const problems = [...missingCredentials(settings, ['pixelId', 'accessToken'])];
    const pixelId = credential(settings, 'pixelId');
    if (pixelId !== undefined && !/^\d+$/.test(pixelId)) problems.push('pixelId is not numeric');
    const batchSize = optionNumber(settings, 'batchSize');
    if (batchSize !== undefined && !(batchSize >= 1 && batchSize <= META_MAX_EVENTS)) {
      problems.push(`options.batchSize must be 1..${META_MAX_EVENTS}`);
    }
    return [...problems, ...checkBaseUrl(settings)];
  }

  defaults(event: EnrichedEvent, settings: DestinationSettings): Record<string, unknown> {
    const url = pageUrl(event);
    const name = metaEventName(eventName(event));
    const value = purchaseValue(event);
    const products = items(event);
    return compact({
      event_name: name,
      event_time: unixSeconds(event.receivedAt),
      // Deduplicates with the browser pixel's eventID.
      event_id: event.eventId,
      action_source: optionString(settings, 'actionSource') ?? 'website',
      event_source_url: url,
      user_data: {
        em: variable(event, USUAL_NAMES.email),
        ph: variable(event, USUAL_NAMES.phone),
        fn: variable(event, USUAL_NAMES.firstName),
        ln: variable(event, USUAL_NAMES.lastName),
        ge: variable(event, USUAL_NAMES.gender),
        db: variable(event, USUAL_NAMES.dateOfBirth),
        ct: variable(event, USUAL_NAMES.city),
        st: variable(event, USUAL_NAMES.state),
        zp: variable(event, USUAL_NAMES.zip),
        country: variable(event, USUAL_NAMES.country),
        external_id: userId(event),
        client_ip_address: event.ip ?? undefined,
        client_user_agent: event.userAgent ?? undefined,
        fbp: cookie(event, '_fbp'),
        fbc: cookie(event, '_fbc') ?? fbcFromClickId(url, event.receivedAt),
      },
      custom_data: {
        value,
        currency: currencyCode(event),
        order_id: orderId(event),
        content_ids: products
          ?.map((item) => text(item.item_id ?? item.id))
          .filter((id): id is string => id !== undefined),
        content_type: products ? 'product' : undefined,
        num_items: products?.length,
      },
    });
  }

  prepare(
    fields: Record<string, unknown>,
    event: EnrichedEvent,
    settings: DestinationSettings,
    now: Date,
  ): PreparedEvent {
    for (const field of Object.keys(fields)) {
      if (!SERVER_EVENT_FIELDS.has(field)) {
        throw new ValidationError(field, 'not a Conversions API server event parameter');
      }
    }
    const eventNameValue = text(fields.event_name);
    if (!eventNameValue) throw new ValidationError('event_name', 'missing');
    const eventTime = toUnixSeconds(fields.event_time);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (eventTime < nowSeconds - META_MAX_AGE_SECONDS) {
      throw new ValidationError('event_time', 'older than 7 days: Meta rejects it');
    }
    const actionSource = text(fields.action_source);
    if (!actionSource || !ACTION_SOURCES.has(actionSource)) {
      throw new ValidationError(
        'action_source',
        `must be one of ${[...ACTION_SOURCES].join(', ')}`,
      );
    }
    const userData = normalizeUserData(fields.user_data, {
      phoneCountryCode: optionString(settings, 'phoneCountryCode'),
    });
    const sourceUrl = text(fields.event_source_url);
    if (actionSource === 'website') {
      // Required for website events (Conversions API, Parameters).
      if (!sourceUrl) throw new ValidationError('event_source_url', 'required for website events');
      if (!userData.client_user_agent) {
        throw new ValidationError('user_data.client_user_agent', 'required for website events');
      }
    }
    if (Object.keys(userData).length === 0) {
      throw new ValidationError('user_data', 'needs at least one customer information parameter');
    }
    const customData = prepareCustomData(fields.custom_data, eventNameValue);
    const body = compact({
      ...fields,
      event_name: eventNameValue,
      event_time: eventTime,
      event_id: text(fields.event_id) ?? event.eventId,
      action_source: actionSource,
      event_source_url: sourceUrl,
      user_data: userData,
      custom_data: customData,
    });
    return { eventId: event.eventId, body, groupKey: '' };
  }

  buildRequests(events: PreparedEvent[], settings: DestinationSettings): PartnerRequest[] {
    const version = optionString(settings, 'apiVersion') ?? META_DEFAULT_API_VERSION;
    const pixelId = credential(settings, 'pixelId') ?? '';
    const token = credential(settings, 'accessToken') ?? '';
    const testEventCode = optionString(settings, 'testEventCode');
    const maxEvents = Math.min(
      optionNumber(settings, 'batchSize') ?? META_MAX_EVENTS,
      META_MAX_EVENTS,
    );
    const url = `${baseUrl(settings, META_DEFAULT_BASE_URL)}/${encodeURIComponent(version)}/${encodeURIComponent(pixelId)}/events?access_token=${encodeURIComponent(token)}`;
    return packEvents(
      events,
      { maxEvents },
      () => 0,
      () => 0,
    ).map(({ members }) => ({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        compact({
          data: members.map((index) => events[index].body),
          test_event_code: testEventCode,
        }),
      ),
      members,
    }));
  }

  beforeSend(request: PartnerRequest): PartnerRequest {
    return request;
  }

  judge(response: PartnerResponse): Verdict {
    const verdict = judgeHttp(response);
    if (verdict.kind !== 'rejected') return verdict;
    const error = graphError(response.body);
    if (error && (error.is_transient === true || TRANSIENT_ERROR_CODES.has(error.code ?? -1))) {
      return { kind: 'retry', reason: verdict.reason, retryAfterMs: null };
    }
    return verdict;
  }

  redact(event: PreparedEvent): unknown {
    const body = structuredClone(event.body);
    if (isPlainObject(body.user_data)) {
      for (const key of Object.keys(body.user_data)) body.user_data[key] = REDACTED;
    }
    for (const key of ['event_source_url', 'referrer_url']) {
      if (typeof body[key] === 'string') body[key] = withoutQuery(body[key]);
    }
    return body;
  }
}

/** Seconds since the epoch from a number (seconds) or an ISO timestamp. */
function toUnixSeconds(value: unknown): number {
  const number = numeric(value);
  if (number !== undefined) {
    // NOTE: the commonest mapping mistake: Date.now() is milliseconds.
    if (number > 1e11) throw new ValidationError('event_time', 'must be in seconds, not ms');
    return Math.floor(number);
  }
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return unixSeconds(value);
  throw new ValidationError('event_time', 'missing or not a time');
}

function prepareCustomData(input: unknown, name: string): Record<string, unknown> | undefined {
  if (input === undefined) {
    if (name === 'Purchase')
      throw new ValidationError('custom_data', 'Purchase needs value and currency');
    return undefined;
  }
  if (!isPlainObject(input)) throw new ValidationError('custom_data', 'must be an object');
  const data = { ...input };
  if (data.value !== undefined) {
    const value = numeric(data.value);
    if (value === undefined) throw new ValidationError('custom_data.value', 'must be a number');
    data.value = value;
  }
  if (data.currency !== undefined) {
    const currency = text(data.currency);
    if (!currency || !/^[A-Za-z]{3}$/.test(currency)) {
      throw new ValidationError('custom_data.currency', 'must be an ISO 4217 code');
    }
    data.currency = currency.toLowerCase();
  }
  if (name === 'Purchase' && (data.value === undefined || data.currency === undefined)) {
    throw new ValidationError('custom_data', 'Purchase needs value and currency');
  }
  return Object.keys(data).length > 0 ? data : undefined;
}

/**
 * Meta's documented fbc format when the `_fbc` cookie is missing but the
 * landing URL carries the click id: `fb.1.<creation time ms>.<fbclid>`.
 */
function fbcFromClickId(url: string | undefined, receivedAt: string): string | undefined {
  if (!url) return undefined;
  try {
    const fbclid = new URL(url).searchParams.get('fbclid');
    return fbclid ? `fb.1.${Date.parse(receivedAt)}.${fbclid}` : undefined;
  } catch {
    return undefined;
  }
}

function graphError(body: string): { code?: number; is_transient?: boolean } | null {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: number; is_transient?: boolean } };
    return isPlainObject(parsed) && isPlainObject(parsed.error) ? parsed.error : null;
  } catch {
    return null;
  }
}
