import { ValidationError } from '@tagrelay/contracts';
import { isPlainObject, numeric, text } from '../common/event-fields';

/** Measurement Protocol limits ("Limitations", GA4 Measurement Protocol). */
export const GA4_LIMITS = {
  eventsPerRequest: 25,
  /** "The post body must be smaller than 130kB." */
  bodyBytes: 130_000,
  eventNameLength: 40,
  paramsPerEvent: 25,
  paramNameLength: 40,
  paramValueLength: 100,
  userProperties: 25,
  userPropertyNameLength: 24,
  userPropertyValueLength: 36,
  itemsPerEvent: 200,
  /** Events may be backdated up to 72 hours. */
  maxAgeMicros: 72 * 3_600_000_000,
} as const;

/** Parameters GA4 allows to be longer than 100 characters. */
const LONG_PARAMS: Record<string, number> = {
  page_location: 1000,
  page_referrer: 420,
  page_title: 300,
};

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED_PREFIXES = ['google_', 'ga_', 'firebase_'];
const RESERVED_EVENT_NAMES = new Set([
  'ad_activeview',
  'ad_click',
  'ad_exposure',
  'ad_query',
  'ad_reward',
  'adunit_exposure',
  'app_background',
  'app_clear_data',
  'app_exception',
  'app_remove',
  'app_store_refund',
  'app_store_subscription_cancel',
  'app_store_subscription_convert',
  'app_store_subscription_renew',
  'app_update',
  'app_upgrade',
  'dynamic_link_app_open',
  'dynamic_link_app_update',
  'dynamic_link_first_open',
  'error',
  'firebase_campaign',
  'firebase_in_app_message_action',
  'firebase_in_app_message_dismiss',
  'firebase_in_app_message_impression',
  'first_open',
  'first_visit',
  'in_app_purchase',
  'notification_dismiss',
  'notification_foreground',
  'notification_open',
  'notification_receive',
  'os_update',
  'session_start',
  'session_start_with_rollout',
  'user_engagement',
]);
const RESERVED_USER_PROPERTIES = new Set([
  'first_open_time',
  'first_visit_time',
  'last_deep_link_referrer',
  'user_id',
  'first_open_after_install',
]);

/** A name GA4 accepts: letter first, then letters, digits and "_", no reserved prefix. */
function checkName(field: string, name: string, maxLength: number): void {
  if (name.length > maxLength) {
    throw new ValidationError(field, `"${name}" is longer than ${maxLength} characters`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw new ValidationError(
      field,
      `"${name}" must start with a letter and use only A-Z a-z 0-9 _`,
    );
  }
  if (RESERVED_PREFIXES.some((prefix) => name.toLowerCase().startsWith(prefix))) {
    throw new ValidationError(field, `"${name}" uses a reserved prefix`);
  }
}

export function validateEventName(value: unknown): string {
  const name = text(value);
  if (!name) throw new ValidationError('name', 'missing');
  checkName('name', name, GA4_LIMITS.eventNameLength);
  if (RESERVED_EVENT_NAMES.has(name)) throw new ValidationError('name', `"${name}" is reserved`);
  return name;
}

export function validateParams(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new ValidationError('params', 'must be an object');
  const params: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (raw === undefined || raw === null) continue;
    checkName(`params.${name}`, name, GA4_LIMITS.paramNameLength);
    params[name] =
      name === 'items' ? validateItems(raw) : paramValue(`params.${name}`, raw, LONG_PARAMS[name]);
  }
  const count = Object.keys(params).length;
  if (count > GA4_LIMITS.paramsPerEvent) {
    throw new ValidationError(
      'params',
      `${count} parameters, at most ${GA4_LIMITS.paramsPerEvent}`,
    );
  }
  return params;
}

function paramValue(
  field: string,
  value: unknown,
  maxLength: number = GA4_LIMITS.paramValueLength,
): string | number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a string or a number');
  if (value.length > maxLength) {
    throw new ValidationError(field, `longer than ${maxLength} characters`);
  }
  return value;
}

function validateItems(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new ValidationError('params.items', 'must be an array');
  if (value.length > GA4_LIMITS.itemsPerEvent) {
    throw new ValidationError('params.items', `at most ${GA4_LIMITS.itemsPerEvent} items`);
  }
  return value.map((item, index) => {
    const field = `params.items.${index}`;
    if (!isPlainObject(item)) throw new ValidationError(field, 'must be an object');
    const result: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(item)) {
      if (raw === undefined || raw === null) continue;
      checkName(`${field}.${name}`, name, GA4_LIMITS.paramNameLength);
      result[name] = paramValue(`${field}.${name}`, raw);
    }
    if (result.item_id === undefined && result.item_name === undefined) {
      throw new ValidationError(field, 'needs item_id or item_name');
    }
    return result;
  });
}

/** `{ name: value }` or `{ name: { value } }` → `{ name: { value } }`, within the limits. */
export function validateUserProperties(
  value: unknown,
): Record<string, { value: string | number }> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new ValidationError('user_properties', 'must be an object');
  const result: Record<string, { value: string | number }> = {};
  for (const [name, raw] of Object.entries(value)) {
    const inner = isPlainObject(raw) ? raw.value : raw;
    if (inner === undefined || inner === null) continue;
    const field = `user_properties.${name}`;
    checkName(field, name, GA4_LIMITS.userPropertyNameLength);
    if (RESERVED_USER_PROPERTIES.has(name)) throw new ValidationError(field, 'is reserved');
    result[name] = { value: paramValue(field, inner, GA4_LIMITS.userPropertyValueLength) };
  }
  const count = Object.keys(result).length;
  if (count > GA4_LIMITS.userProperties) {
    throw new ValidationError(
      'user_properties',
      `${count} properties, at most ${GA4_LIMITS.userProperties}`,
    );
  }
  return count > 0 ? result : undefined;
}

/** Microseconds since the epoch, no more than 72 hours back. */
export function validateTimestampMicros(value: unknown, now: Date): number {
  const micros = numeric(value);
  if (micros === undefined || !Number.isInteger(micros)) {
    throw new ValidationError('timestamp_micros', 'missing or not an integer');
  }
  // NOTE: the commonest mistake is milliseconds (13 digits) instead of microseconds (16).
  if (micros < 1e15) throw new ValidationError('timestamp_micros', 'must be in microseconds');
  if (micros < now.getTime() * 1000 - GA4_LIMITS.maxAgeMicros) {
    throw new ValidationError('timestamp_micros', 'more than 72 hours in the past');
  }
  return micros;
}

const CONSENT_VALUES = new Set(['GRANTED', 'DENIED']);

export function validateConsent(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new ValidationError('consent', 'must be an object');
  const result: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (name !== 'ad_user_data' && name !== 'ad_personalization') {
      throw new ValidationError(`consent.${name}`, 'not a Measurement Protocol consent field');
    }
    const state =
      typeof raw === 'boolean' ? (raw ? 'GRANTED' : 'DENIED') : text(raw)?.toUpperCase();
    if (!state || !CONSENT_VALUES.has(state)) {
      throw new ValidationError(`consent.${name}`, 'must be GRANTED or DENIED');
    }
    result[name] = state;
  }
  return result;
}
