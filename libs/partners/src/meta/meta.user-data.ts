import { ValidationError } from '@tagrelay/contracts';
import { isPlainObject, text } from '../common/event-fields';
import { isSha256Hex, sha256Hex } from '../common/hashing';

/** Customer information Meta requires normalised and SHA-256 hashed. */
export const META_HASHED_FIELDS = [
  'em',
  'ph',
  'fn',
  'ln',
  'ge',
  'db',
  'ct',
  'st',
  'zp',
  'country',
  'external_id',
] as const;

/** Sent as they are: Meta must see these in clear (never hash them). */
export const META_PLAIN_FIELDS = [
  'client_ip_address',
  'client_user_agent',
  'fbc',
  'fbp',
  'subscription_id',
  'fb_login_id',
  'lead_id',
  'anon_id',
  'madid',
  'page_id',
  'page_scoped_user_id',
  'ctwa_clid',
  'ig_account_id',
  'ig_sid',
] as const;

type HashedField = (typeof META_HASHED_FIELDS)[number];
const HASHED = new Set<string>(META_HASHED_FIELDS);
const PLAIN = new Set<string>(META_PLAIN_FIELDS);

export interface UserDataOptions {
  /** Prefixed to phone numbers written without an international prefix, e.g. "33". */
  phoneCountryCode?: string;
}

/**
 * Normalises each customer information parameter as the Conversions API
 * documents it, then hashes it with SHA-256 (hex). A value already hashed is
 * kept; a value that cannot be normalised (an e-mail without "@", a gender
 * other than f/m) is left out rather than sent wrong. Arrays stay arrays.
 */
export function normalizeUserData(
  input: unknown,
  options: UserDataOptions = {},
): Record<string, string | string[]> {
  if (input === undefined) return {};
  if (!isPlainObject(input)) throw new ValidationError('user_data', 'must be an object');
  const result: Record<string, string | string[]> = {};
  for (const [field, raw] of Object.entries(input)) {
    if (raw === undefined || raw === null) continue;
    if (HASHED.has(field)) {
      const values = (Array.isArray(raw) ? raw : [raw])
        .map(text)
        .filter((value): value is string => value !== undefined)
        .map((value) => hashField(field as HashedField, value, options))
        .filter((value): value is string => value !== undefined);
      const unique = [...new Set(values)];
      if (unique.length === 0) continue;
      result[field] = Array.isArray(raw) ? unique : unique[0];
    } else if (PLAIN.has(field)) {
      const value = text(raw);
      if (value !== undefined) result[field] = value;
    } else {
      throw new ValidationError(`user_data.${field}`, 'not a customer information parameter');
    }
  }
  return result;
}

export function hashField(
  field: HashedField,
  value: string,
  options: UserDataOptions = {},
): string | undefined {
  if (isSha256Hex(value)) return value;
  const normalized = NORMALIZERS[field](value, options);
  return normalized === undefined || normalized === '' ? undefined : sha256Hex(normalized);
}

const lettersOnly = (value: string) => value.toLowerCase().replace(/[^\p{L}\p{M}]/gu, '');

export const NORMALIZERS: Record<
  HashedField,
  (value: string, options: UserDataOptions) => string | undefined
> = {
  // Trim and lowercase.
  em: (value) => {
    const email = value.trim().toLowerCase();
    return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? email : undefined;
  },
  // Digits only, with the country code, without leading zeros.
  ph: (value, options) => normalizePhone(value, options.phoneCountryCode),
  // Lowercase, no punctuation; UTF-8 letters are kept.
  fn: (value) =>
    value
      .normalize('NFC')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}]/gu, ''),
  ln: (value) =>
    value
      .normalize('NFC')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}]/gu, ''),
  // f or m.
  ge: (value) => {
    const first = value.trim().toLowerCase()[0];
    return first === 'f' || first === 'm' ? first : undefined;
  },
  // YYYYMMDD.
  db: (value) => normalizeDateOfBirth(value),
  // Lowercase, no punctuation, no special characters, no spaces.
  ct: (value) => lettersOnly(value.normalize('NFC')),
  // US states as their 2-letter code; elsewhere like a city.
  st: (value) => {
    const lower = value.trim().toLowerCase().replace(/\s+/g, ' ');
    return US_STATES[lower] ?? lettersOnly(lower.normalize('NFC'));
  },
  // Lowercase, no spaces and no dash; US ZIP+4 keeps its first 5 digits.
  zp: (value) => {
    const compacted = value.trim().toLowerCase().replace(/[\s-]/g, '');
    return /^\d{9}$/.test(compacted) ? compacted.slice(0, 5) : compacted;
  },
  // ISO 3166-1 alpha-2, lowercase.
  country: (value) => {
    const code = value.trim().toLowerCase();
    return /^[a-z]{2}$/.test(code) ? code : undefined;
  },
  // Any id of the site's own; trimmed and lowercased like Meta's SDKs do.
  external_id: (value) => value.trim().toLowerCase(),
};

/**
 * "+44 844 412 4653" → "448444124653"; "0044…" likewise. A number written
 * nationally ("06 12 34 56 78") gets `countryCode` in place of its trunk 0; one
 * without any prefix gets it in front unless it already starts with it.
 */
export function normalizePhone(value: string, countryCode?: string): string | undefined {
  const trimmed = value.trim();
  let digits = trimmed.replace(/\D/g, '');
  if (digits === '') return undefined;
  const international = trimmed.startsWith('+') || digits.startsWith('00');
  if (!international && countryCode) {
    if (digits.startsWith('0')) digits = countryCode + digits.replace(/^0+/, '');
    else if (!(digits.startsWith(countryCode) && digits.length >= 11))
      digits = countryCode + digits;
  }
  digits = digits.replace(/^0+/, '');
  // E.164 numbers have at most 15 digits; fewer than 7 is not a phone number.
  return digits.length >= 7 && digits.length <= 15 ? digits : undefined;
}

function normalizeDateOfBirth(value: string): string | undefined {
  const trimmed = value.trim();
  const match =
    /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})(T.*)?$/.exec(trimmed) ??
    /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  if (!match) return undefined;
  const [year, month, day] = [match[1], match[2].padStart(2, '0'), match[3].padStart(2, '0')];
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(day)) return undefined;
  return `${year}${month}${day}`;
}

const US_STATES: Record<string, string> = {
  alabama: 'al',
  alaska: 'ak',
  arizona: 'az',
  arkansas: 'ar',
  california: 'ca',
  colorado: 'co',
  connecticut: 'ct',
  delaware: 'de',
  'district of columbia': 'dc',
  florida: 'fl',
  georgia: 'ga',
  hawaii: 'hi',
  idaho: 'id',
  illinois: 'il',
  indiana: 'in',
  iowa: 'ia',
  kansas: 'ks',
  kentucky: 'ky',
  louisiana: 'la',
  maine: 'me',
  maryland: 'md',
  massachusetts: 'ma',
  michigan: 'mi',
  minnesota: 'mn',
  mississippi: 'ms',
  missouri: 'mo',
  montana: 'mt',
  nebraska: 'ne',
  nevada: 'nv',
  'new hampshire': 'nh',
  'new jersey': 'nj',
  'new mexico': 'nm',
  'new york': 'ny',
  'north carolina': 'nc',
  'north dakota': 'nd',
  ohio: 'oh',
  oklahoma: 'ok',
  oregon: 'or',
  pennsylvania: 'pa',
  'rhode island': 'ri',
  'south carolina': 'sc',
  'south dakota': 'sd',
  tennessee: 'tn',
  texas: 'tx',
  utah: 'ut',
  vermont: 'vt',
  virginia: 'va',
  washington: 'wa',
  'west virginia': 'wv',
  wisconsin: 'wi',
  wyoming: 'wy',
};
