import type { DestinationSettings } from '../partner.connector';

/** A string option (numbers and booleans are given as text). */
export function optionString(settings: DestinationSettings, name: string): string | undefined {
  const value = settings.options[name];
  if (value === undefined || value === '') return undefined;
  return String(value);
}

/** A numeric option, also when written as text; undefined when absent or not a number. */
export function optionNumber(settings: DestinationSettings, name: string): number | undefined {
  const value = settings.options[name];
  if (value === undefined || value === '' || typeof value === 'boolean') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

export function optionBoolean(settings: DestinationSettings, name: string): boolean {
  const value = settings.options[name];
  return value === true || value === 'true' || value === 1 || value === '1';
}

/**
 * A credential; ids that are not secret (pixel id, measurement id) may also be
 * written as options.
 */
export function credential(settings: DestinationSettings, name: string): string | undefined {
  const value = settings.credentials[name];
  if (value !== undefined && value !== '') return value;
  return optionString(settings, name);
}

/** `options.baseUrl` (tests point it at local servers) without a trailing slash. */
export function baseUrl(settings: DestinationSettings, fallback: string): string {
  return (optionString(settings, 'baseUrl') ?? fallback).replace(/\/+$/, '');
}

/** "credentials.<name> is missing" for each required value that is absent. */
export function missingCredentials(settings: DestinationSettings, names: string[]): string[] {
  return names
    .filter((name) => credential(settings, name) === undefined)
    .map((name) => `credentials.${name} is missing`);
}

/** Problems of `options.baseUrl` when set: it must be an http(s) URL. */
export function checkBaseUrl(settings: DestinationSettings): string[] {
  const value = optionString(settings, 'baseUrl');
  if (value === undefined) return [];
  return isHttpUrl(value) ? [] : [`options.baseUrl is not an http(s) URL`];
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
