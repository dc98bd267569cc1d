import type { EnrichedEvent } from '@tagrelay/contracts';

/**
 * Where connectors look for common facts by default: the variable names sites
 * usually give them (data layers, GA4 and Meta conventions). A destination's
 * mapping overrides any of them.
 */
export const USUAL_NAMES = {
  event: ['event', 'event_name'],
  value: ['value', 'revenue', 'amount', 'total', 'order_total'],
  currency: ['currency', 'currency_code'],
  orderId: ['order_id', 'transaction_id', 'orderId'],
  email: ['email', 'user_email', 'em'],
  phone: ['phone', 'phone_number', 'ph'],
  firstName: ['first_name', 'firstname', 'fn'],
  lastName: ['last_name', 'lastname', 'ln'],
  gender: ['gender', 'ge'],
  dateOfBirth: ['date_of_birth', 'birthdate', 'dob', 'db'],
  city: ['city', 'ct'],
  state: ['state', 'region', 'st'],
  zip: ['zip', 'zip_code', 'postal_code', 'zp'],
  country: ['country', 'country_code'],
  userId: ['user_id', 'userId', 'external_id'],
  items: ['items', 'products'],
  pageUrl: ['page_url', 'page_location', 'url'],
  referrer: ['page_referrer', 'referrer'],
} as const;

/** The first of `names` that the event's variables hold, as given. */
export function variable(event: EnrichedEvent, names: readonly string[]): unknown {
  for (const name of names) {
    const value = event.variables[name];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A number, also from numeric text ("12.50"); undefined otherwise. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value.trim());
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}

export const eventName = (event: EnrichedEvent) => text(variable(event, USUAL_NAMES.event));
export const purchaseValue = (event: EnrichedEvent) => numeric(variable(event, USUAL_NAMES.value));
export const currencyCode = (event: EnrichedEvent) =>
  text(variable(event, USUAL_NAMES.currency))?.toUpperCase();
export const orderId = (event: EnrichedEvent) => text(variable(event, USUAL_NAMES.orderId));

/** The reconciliation key `user_id` first (it is what the site calls its user), then variables. */
export const userId = (event: EnrichedEvent) =>
  text(event.keys.user_id) ?? text(variable(event, USUAL_NAMES.userId));

/** The page the browser saw (web data), else what the server hit says. */
export const pageUrl = (event: EnrichedEvent) =>
  text(event.web?.page?.url) ?? text(variable(event, USUAL_NAMES.pageUrl));
export const referrerUrl = (event: EnrichedEvent) =>
  text(event.web?.page?.referrer) ?? text(variable(event, USUAL_NAMES.referrer));

/** A browser cookie from the web data, else a variable of the same name. */
export const cookie = (event: EnrichedEvent, name: string) =>
  text(event.web?.cookies[name]) ?? text(event.variables[name]);

/** Data-layer items (`items` or `products`), objects only. */
export function items(event: EnrichedEvent): Record<string, unknown>[] | undefined {
  const value = variable(event, USUAL_NAMES.items);
  if (!Array.isArray(value)) return undefined;
  const objects = value.filter(
    (item): item is Record<string, unknown> =>
      typeof item === 'object' && item !== null && !Array.isArray(item),
  );
  return objects.length > 0 ? objects : undefined;
}

/** Seconds since the epoch of an ISO timestamp. */
export const unixSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Drops `undefined` members (recursively in plain objects), so bodies stay tidy. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== undefined) result[key] = compact(inner);
  }
  return result as T;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
