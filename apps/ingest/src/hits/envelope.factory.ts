import {
  HIT_ENVELOPE_VERSION,
  messageKey,
  ServerHitEnvelope,
  WebHitEnvelope,
} from '@tagrelay/contracts';
import type { ContainerRecord } from '@tagrelay/store';
import { ParsedServerHit, ParsedWebHit, Variables } from './hit.parser';
import { anonymizeIp } from './ip-anonymizer';
import { uuidv7 } from './uuid-v7';

export interface RequestFacts {
  ip: string | undefined;
  userAgent: string | undefined;
  /** Unix milliseconds. */
  receivedAt: number;
}

/** The envelope, its JSON and the Kafka key it travels under (DESIGN.md). */
export interface KeyedEnvelope<T> {
  key: string;
  envelope: T;
  json: string;
}

export function serverEnvelope(
  container: ContainerRecord,
  hit: ParsedServerHit,
  facts: RequestFacts,
): KeyedEnvelope<ServerHitEnvelope> {
  const keys = reconciliationKeys(container, hit.variables, {});
  const envelope: ServerHitEnvelope = {
    v: HIT_ENVELOPE_VERSION,
    kind: 'server',
    eventId: hit.eventId ?? uuidv7(facts.receivedAt),
    siteId: container.siteId,
    containerId: container.containerId,
    receivedAt: isoTime(facts.receivedAt),
    ip: anonymizeIp(facts.ip, container.ipAnonymization),
    userAgent: facts.userAgent ?? null,
    variables: hit.variables as ServerHitEnvelope['variables'],
    keys,
  };
  return {
    key: keyOf(container, keys, envelope.eventId),
    envelope,
    json: serverEnvelopeJson(envelope, hit.variablesJson),
  };
}

/**
 * `JSON.stringify(envelope)`, with the variables taken as the JSON text they
 * arrived in when there is one: serialising them again was the largest part
 * of the ingest's own CPU per hit (`npm run bench -- ingest`).
 */
export function serverEnvelopeJson(
  envelope: ServerHitEnvelope,
  variablesJson: string | null,
): string {
  const variables = variablesJson ?? JSON.stringify(envelope.variables);
  return (
    `{"v":${envelope.v},"kind":"server","eventId":${jsonString(envelope.eventId)}` +
    `,"siteId":${jsonString(envelope.siteId)},"containerId":${jsonString(envelope.containerId)}` +
    `,"receivedAt":${jsonString(envelope.receivedAt)},"ip":${jsonString(envelope.ip)}` +
    `,"userAgent":${jsonString(envelope.userAgent)},"variables":${variables}` +
    `,"keys":${stringMapJson(envelope.keys)}}`
  );
}

/** What JSON.stringify escapes in a string: quote, backslash, controls, surrogates. */
// eslint-disable-next-line no-control-regex -- JSON escapes exactly these control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(value)`, without its cost for the common plain string. */
function jsonString(value: string | null): string {
  if (value === null) return 'null';
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

function stringMapJson(map: Record<string, string>): string {
  let json = '';
  for (const name in map) json += `${json ? ',' : ''}${jsonString(name)}:${jsonString(map[name])}`;
  return `{${json}}`;
}

export function webEnvelope(
  container: ContainerRecord,
  hit: ParsedWebHit,
  facts: RequestFacts,
): KeyedEnvelope<WebHitEnvelope> {
  const keys = reconciliationKeys(container, hit.variables, hit.keys);
  const envelope: WebHitEnvelope = {
    v: HIT_ENVELOPE_VERSION,
    kind: 'web',
    eventId: hit.eventId ?? uuidv7(facts.receivedAt),
    siteId: container.siteId,
    containerId: container.containerId,
    receivedAt: isoTime(facts.receivedAt),
    ip: anonymizeIp(facts.ip, container.ipAnonymization),
    userAgent: facts.userAgent ?? null,
    variables: hit.variables as WebHitEnvelope['variables'],
    keys,
    cookies: pick(hit.cookies, container.cookies),
    consent: hit.consent,
    page: hit.page,
  };
  return {
    key: keyOf(container, keys, envelope.eventId),
    envelope,
    json: JSON.stringify(envelope),
  };
}

let lastTime = Number.NaN;
let lastIsoTime = '';

/**
 * `new Date(ms).toISOString()`, remembered for the last millisecond: at
 * thousands of hits per second many share one, and formatting a date costs
 * more than the rest of an envelope's header.
 */
function isoTime(ms: number): string {
  if (ms !== lastTime) {
    lastIsoTime = new Date(ms).toISOString();
    lastTime = ms;
  }
  return lastIsoTime;
}

/**
 * The container's reconciliation keys present in the hit, in the container's
 * order: explicit `keys` first, then variables of the same name.
 */
function reconciliationKeys(
  container: ContainerRecord,
  variables: Variables,
  explicit: Record<string, string>,
): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const name of container.reconciliationKeys) {
    const value = explicit[name] ?? variables[name];
    if (
      (typeof value === 'string' && value !== '') ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      keys[name] = String(value);
    }
  }
  return keys;
}

/** `siteId:<first key value>`, or `siteId:eventId` when the hit has no key. */
function keyOf(container: ContainerRecord, keys: Record<string, string>, eventId: string): string {
  const first = container.reconciliationKeys.find((name) => keys[name] !== undefined);
  return messageKey(container.siteId, first ? keys[first] : eventId);
}

/** Only the cookies the container asked for travel on; the rest is dropped. */
function pick(cookies: Record<string, string>, allowed: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of allowed) if (cookies[name] !== undefined) result[name] = cookies[name];
  return result;
}
