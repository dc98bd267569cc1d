import { ValidationError } from '@tagrelay/contracts';
import { HIT_LIMITS, NAME_PATTERN } from './hit-limits';
import { isValidEventId } from './uuid-v7';

export type Variables = Record<string, unknown>;

export interface ParsedHit {
  variables: Variables;
  /** The client's `event_id` when it is a valid id; else one is generated. */
  eventId: string | null;
}

export interface ParsedServerHit extends ParsedHit {
  /**
   * JSON text of exactly `variables` (the request body when it held nothing
   * else), so the envelope need not serialise them again; else null.
   */
  variablesJson: string | null;
}

export interface ParsedWebHit extends ParsedHit {
  keys: Record<string, string>;
  cookies: Record<string, string>;
  consent: Record<string, boolean>;
  page: { url: string | null; referrer: string | null };
}

/** Names that steer ingest and are not forwarded as variables. */
const RESERVED = new Set(['event_id', 'key']);

/**
 * A server hit: one flat-ish object of variables (JSON, form or query).
 * `json` is the text `input` was parsed from, when it was a JSON body.
 */
export function parseServerHit(
  input: unknown,
  field = 'body',
  json: string | null = null,
): ParsedServerHit {
  const object = asObject(input, field);
  const eventId = takeEventId(object, field);
  const variables = parseVariables(object, field);
  // NOTE: the text may repeat a name; JSON.parse kept the last value, was
  // checked with it, and every consumer's JSON.parse keeps the same one.
  return { variables, eventId, variablesJson: variables === object ? json : null };
}

/**
 * A web hit from the browser tag:
 * `{ keys, cookies, variables, consent, page: { url, referrer }, event_id? }`.
 */
export function parseWebHit(input: unknown): ParsedWebHit {
  const object = asObject(input, 'body');
  for (const name of Object.keys(object)) {
    if (!['keys', 'cookies', 'variables', 'consent', 'page', 'event_id'].includes(name)) {
      throw new ValidationError(`body.${name}`, 'unknown field');
    }
  }
  const page = object.page === undefined ? {} : asObject(object.page, 'page');
  return {
    eventId: takeEventId(object, 'body'),
    variables:
      object.variables === undefined
        ? {}
        : parseVariables(asObject(object.variables, 'variables'), 'variables'),
    keys: parseStringMap(object.keys ?? {}, 'keys', HIT_LIMITS.variables, HIT_LIMITS.stringLength),
    cookies: parseStringMap(
      object.cookies ?? {},
      'cookies',
      HIT_LIMITS.cookies,
      HIT_LIMITS.cookieLength,
    ),
    consent: parseConsent(object.consent ?? {}),
    page: {
      url: optionalString(page.url, 'page.url', HIT_LIMITS.urlLength),
      referrer: optionalString(page.referrer, 'page.referrer', HIT_LIMITS.urlLength),
    },
  };
}

function takeEventId(object: Record<string, unknown>, field: string): string | null {
  const value = object.event_id;
  if (value === undefined || value === '') return null;
  if (!isValidEventId(value)) throw new ValidationError(`${field}.event_id`, 'must be a UUID');
  return value.toLowerCase();
}

/**
 * The hit's variables, checked in place: JSON.parse and the form and query
 * parsers give plain data, so nothing is copied unless a reserved name must
 * be left out. Field paths for error messages are built only on error.
 */
function parseVariables(object: Record<string, unknown>, field: string): Variables {
  let count = 0;
  let reserved = false;
  for (const name in object) {
    if (RESERVED.has(name)) reserved = true;
    else count++;
  }
  if (count > HIT_LIMITS.variables) {
    throw new ValidationError(field, `at most ${HIT_LIMITS.variables} variables (got ${count})`);
  }
  for (const name in object) {
    if (RESERVED.has(name)) continue;
    checkName(name, field);
    checkValue(object[name], field, name, 1);
  }
  if (!reserved) return object;
  const variables: Variables = {};
  for (const name in object) if (!RESERVED.has(name)) variables[name] = object[name];
  return variables;
}

/** Checks `parent[name]` (a value at `depth`); throws naming `field.name`. */
function checkValue(value: unknown, field: string, name: string, depth: number): void {
  switch (typeof value) {
    case 'string':
      if (value.length > HIT_LIMITS.stringLength) {
        throw new ValidationError(
          `${field}.${name}`,
          `at most ${HIT_LIMITS.stringLength} characters`,
        );
      }
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new ValidationError(`${field}.${name}`, 'must be a finite number');
      }
      return;
    case 'boolean':
      return;
    case 'object': {
      if (value === null) return;
      const path = `${field}.${name}`;
      if (depth > HIT_LIMITS.depth)
        throw new ValidationError(path, `nested deeper than ${HIT_LIMITS.depth} levels`);
      if (Array.isArray(value)) {
        if (value.length > HIT_LIMITS.arrayItems) {
          throw new ValidationError(path, `at most ${HIT_LIMITS.arrayItems} items`);
        }
        for (let index = 0; index < value.length; index++) {
          checkValue(value[index], path, String(index), depth + 1);
        }
        return;
      }
      let keys = 0;
      for (const inner in value) {
        if (++keys > HIT_LIMITS.objectKeys) {
          throw new ValidationError(path, `at most ${HIT_LIMITS.objectKeys} keys`);
        }
        checkName(inner, path);
        checkValue((value as Record<string, unknown>)[inner], path, inner, depth + 1);
      }
      return;
    }
    default:
      throw new ValidationError(
        `${field}.${name}`,
        'must be a string, number, boolean, null, array or object',
      );
  }
}

function parseStringMap(
  input: unknown,
  field: string,
  maxEntries: number,
  maxLength: number,
): Record<string, string> {
  const object = asObject(input, field);
  const entries = Object.entries(object);
  if (entries.length > maxEntries)
    throw new ValidationError(field, `at most ${maxEntries} entries`);
  const result: Record<string, string> = {};
  for (const [name, value] of entries) {
    checkName(name, field);
    if (typeof value === 'number' && Number.isFinite(value)) {
      result[name] = String(value);
      continue;
    }
    if (typeof value !== 'string')
      throw new ValidationError(`${field}.${name}`, 'must be a string');
    if (value.length > maxLength)
      throw new ValidationError(`${field}.${name}`, `at most ${maxLength} characters`);
    result[name] = value;
  }
  return result;
}

function parseConsent(input: unknown): Record<string, boolean> {
  const object = asObject(input, 'consent');
  const entries = Object.entries(object);
  if (entries.length > HIT_LIMITS.consentCategories) {
    throw new ValidationError('consent', `at most ${HIT_LIMITS.consentCategories} categories`);
  }
  const consent: Record<string, boolean> = {};
  for (const [name, value] of entries) {
    checkName(name, 'consent');
    if (typeof value !== 'boolean')
      throw new ValidationError(`consent.${name}`, 'must be true or false');
    consent[name] = value;
  }
  return consent;
}

function optionalString(value: unknown, field: string, maxLength: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a string');
  if (value.length > maxLength) throw new ValidationError(field, `at most ${maxLength} characters`);
  return value;
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, 'must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** TRICKY: assigning these on a plain object changes its prototype. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

function checkName(name: string, field: string): void {
  if (!NAME_PATTERN.test(name) || FORBIDDEN_NAMES.has(name)) {
    const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
    throw new ValidationError(
      `${field}.${shown}`,
      `invalid name (1-${HIT_LIMITS.nameLength} of A-Z a-z 0-9 _ . $ -)`,
    );
  }
}
