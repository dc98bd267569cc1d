import { EnrichedEvent, ValidationError } from '@tagrelay/contracts';
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
  referrerUrl,
  text,
  userId,
  USUAL_NAMES,
  variable,
} from '../common/event-fields';
import { isMd5Hex, isSha256Hex, md5Hex, sha256Hex } from '../common/hashing';
import { REDACTED, withoutQuery } from '../common/redaction';
import {
  baseUrl,
  checkBaseUrl,
  credential,
  missingCredentials,
  optionString,
} from '../common/settings';
import { judgeHttp } from '../common/verdict';
import {
  DestinationSettings,
  PartnerConnector,
  PartnerRequest,
  PartnerResponse,
  PreparedEvent,
  UnsupportedEvent,
  Verdict,
} from '../partner.connector';

export const CRITEO_DEFAULT_BASE_URL = 'https://widget.criteo.com';

/** The event names Criteo's server-side events API knows. */
export const CRITEO_EVENTS = [
  'viewHome',
  'viewPage',
  'viewItem',
  'viewList',
  'viewBasket',
  'addToCart',
  'beginCheckout',
  'addPaymentInfo',
  'trackTransaction',
  'login',
] as const;
type CriteoEvent = (typeof CRITEO_EVENTS)[number];
const KNOWN = new Set<string>(CRITEO_EVENTS);

/** The names sites usually use (GA4 style) → Criteo's. */
const FROM_USUAL_NAMES: Record<string, CriteoEvent> = {
  page_view: 'viewPage',
  view_home: 'viewHome',
  home: 'viewHome',
  view_item: 'viewItem',
  view_item_list: 'viewList',
  search: 'viewList',
  view_cart: 'viewBasket',
  add_to_cart: 'addToCart',
  begin_checkout: 'beginCheckout',
  add_payment_info: 'addPaymentInfo',
  purchase: 'trackTransaction',
  login: 'login',
};

const SITE_TYPES = new Set(['d', 'm', 't']);

/**
 * Criteo server-side (S2S) events: `POST {base}/m/event?version=s2s_v0`, one
 * JSON object per request (its `events` list describes one page view, so
 * unrelated events are not merged). The e-mail travels only hashed, in the
 * three forms Criteo matches on: `sha256`, `md5` and `sha256_md5` (SHA-256 of
 * the MD5 hex).
 *
 * Settings: `credentials.account` (partner id), `credentials.callerId`
 * (`id.mapping_key`); options `baseUrl`, `siteType` (d|m|t).
 */
export class CriteoConnector implements PartnerConnector {
  readonly partner = 'criteo' as const;

  checkSettings(settings: DestinationSettings): string[] {
    const problems = [...missingCredentials(settings, ['account']), ...checkBaseUrl(settings)];
    const siteType = optionString(settings, 'siteType');
    if (siteType !== undefined && !SITE_TYPES.has(siteType)) {
      problems.push('options.siteType must be d, m or t');
    }
    return problems;
  }

  defaults(event: EnrichedEvent, settings: DestinationSettings): Record<string, unknown> {
    const name = eventName(event);
    const products = items(event)?.map(criteoItem);
    return compact({
      event: name === undefined ? undefined : (FROM_USUAL_NAMES[name.toLowerCase()] ?? name),
      timestamp: event.receivedAt,
      account: credential(settings, 'account'),
      id: {
        mapping_key: credential(settings, 'callerId'),
        mapped_user_id: cookie(event, 'crto_mapped_user_id'),
      },
      email: text(variable(event, USUAL_NAMES.email)),
      ip: event.ip ?? undefined,
      full_url: pageUrl(event),
      previous_url: referrerUrl(event),
      site_type: optionString(settings, 'siteType') ?? siteTypeOf(event.userAgent),
      useragent: event.userAgent ?? undefined,
      retailer_visitor_id: userId(event),
      transaction_id: orderId(event),
      currency: currencyCode(event),
      item: products,
    });
  }

  prepare(
    fields: Record<string, unknown>,
    event: EnrichedEvent,
    _settings: DestinationSettings,
    _now: Date,
  ): PreparedEvent {
    const name = text(fields.event);
    if (!name) throw new UnsupportedEvent('no event name');
    if (!KNOWN.has(name)) throw new UnsupportedEvent(`no Criteo event for "${name}"`);
    const account = text(fields.account);
    if (!account) throw new ValidationError('account', 'missing');
    const timestamp = text(fields.timestamp);
    if (!timestamp || Number.isNaN(Date.parse(timestamp))) {
      throw new ValidationError('timestamp', 'missing or not ISO 8601');
    }
    const siteType = text(fields.site_type) ?? 'd';
    if (!SITE_TYPES.has(siteType)) throw new ValidationError('site_type', 'must be d, m or t');
    const id = isPlainObject(fields.id) ? { ...fields.id } : {};
    const email = hashedEmail(fields.email);
    if (email) id.email = email;
    const body = compact({
      account,
      id: Object.keys(id).length > 0 ? id : undefined,
      ip: text(fields.ip),
      full_url: text(fields.full_url),
      previous_url: text(fields.previous_url),
      site_type: siteType,
      useragent: text(fields.useragent),
      retailer_visitor_id: text(fields.retailer_visitor_id),
      events: [
        compact({
          event: name,
          timestamp: new Date(timestamp).toISOString(),
          ...eventDetails(name as CriteoEvent, fields),
        }),
      ],
    });
    return { eventId: event.eventId, body, groupKey: event.eventId };
  }

  buildRequests(events: PreparedEvent[], settings: DestinationSettings): PartnerRequest[] {
    const url = `${baseUrl(settings, CRITEO_DEFAULT_BASE_URL)}/m/event?version=s2s_v0`;
    return events.map((event, index) => ({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event.body),
      members: [index],
    }));
  }

  beforeSend(request: PartnerRequest): PartnerRequest {
    return request;
  }

  judge(response: PartnerResponse): Verdict {
    return judgeHttp(response);
  }

  redact(event: PreparedEvent): unknown {
    const body = structuredClone(event.body);
    for (const field of ['id', 'ip', 'useragent', 'retailer_visitor_id']) {
      if (body[field] !== undefined) body[field] = REDACTED;
    }
    for (const field of ['full_url', 'previous_url']) {
      if (typeof body[field] === 'string') body[field] = withoutQuery(body[field]);
    }
    return body;
  }
}

/** What each event carries beyond its name and time (Criteo OneTag event parameters). */
function eventDetails(name: CriteoEvent, fields: Record<string, unknown>): Record<string, unknown> {
  const products = Array.isArray(fields.item) ? fields.item.filter(isPlainObject) : undefined;
  switch (name) {
    case 'viewItem': {
      const id =
        text(isPlainObject(fields.item) ? fields.item.id : fields.item) ?? text(products?.[0]?.id);
      if (!id) throw new ValidationError('item', 'viewItem needs a product id');
      return { item: id };
    }
    case 'viewList': {
      const ids = (Array.isArray(fields.item) ? fields.item : [])
        .map((entry) => text(isPlainObject(entry) ? entry.id : entry))
        .filter((id): id is string => id !== undefined);
      return {
        item: ids.length > 0 ? ids : undefined,
        keywords: text(fields.keywords),
        category: text(fields.category),
      };
    }
    case 'viewBasket':
    case 'addToCart':
    case 'beginCheckout':
      return { item: basket(products, name), currency: text(fields.currency) };
    case 'trackTransaction': {
      const transactionId = text(fields.transaction_id);
      if (!transactionId) throw new ValidationError('transaction_id', 'trackTransaction needs one');
      return {
        id: transactionId,
        item: basket(products, name),
        currency: text(fields.currency),
        new_customer: fields.new_customer,
      };
    }
    default:
      return {};
  }
}

function basket(products: Record<string, unknown>[] | undefined, name: string): unknown[] {
  if (!products || products.length === 0)
    throw new ValidationError('item', `${name} needs products`);
  return products.map((product, index) => {
    const id = text(product.id);
    const price = numeric(product.price);
    const quantity = numeric(product.quantity) ?? 1;
    if (!id) throw new ValidationError(`item.${index}.id`, 'missing');
    if (price === undefined)
      throw new ValidationError(`item.${index}.price`, 'missing or not a number');
    return { id, price, quantity };
  });
}

function criteoItem(item: Record<string, unknown>): Record<string, unknown> {
  return compact({
    id: text(item.item_id ?? item.id ?? item.sku),
    price: numeric(item.price),
    quantity: numeric(item.quantity),
  });
}

/**
 * The e-mail in Criteo's three hashed forms: trimmed and lowercased first; a
 * value that is already an MD5 or SHA-256 hex digest is used as such.
 */
export function hashedEmail(value: unknown): Record<string, string> | undefined {
  const email = text(value)?.toLowerCase();
  if (!email) return undefined;
  if (isSha256Hex(email)) return { sha256: email };
  if (isMd5Hex(email)) return { md5: email, sha256_md5: sha256Hex(email) };
  // NOTE: like Meta's user data, a value that is not an e-mail is left out, not sent wrong.
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return undefined;
  const md5 = md5Hex(email);
  return { sha256: sha256Hex(email), md5, sha256_md5: sha256Hex(md5) };
}

/** d(esktop), m(obile) or t(ablet), from the user agent. */
function siteTypeOf(userAgent: string | null): 'd' | 'm' | 't' {
  if (!userAgent) return 'd';
  if (/iPad|Tablet/i.test(userAgent)) return 't';
  return /Mobi|Android|iPhone/i.test(userAgent) ? 'm' : 'd';
}
