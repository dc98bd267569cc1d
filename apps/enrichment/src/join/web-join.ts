import {
  EnrichedEvent,
  ServerHitEnvelope,
  WebContribution,
  WebHitEnvelope,
} from '@tagrelay/contracts';
import { ContainerRecord, WebData, WebDataKey, webDataId } from '@tagrelay/store';

export type EnrichmentResult = EnrichedEvent['enrichment'];

/**
 * What a web hit contributes, once per reconciliation key it carries (a hit
 * with user_id and basket_id is stored under both), stamped with its time.
 */
export function webDataOf(
  hit: WebHitEnvelope,
  container: Pick<ContainerRecord, 'webDataTtlSeconds'>,
): WebData[] {
  const at = new Date(hit.receivedAt);
  const stamp = <T>(values: Record<string, T>) =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { at, value }]));
  const shared = {
    cookies: stamp(hit.cookies),
    variables: stamp(hit.variables),
    consent: stamp(hit.consent),
    page: { at, url: hit.page.url, referrer: hit.page.referrer },
    collectedAt: at,
    expiresAt: new Date(at.getTime() + container.webDataTtlSeconds * 1000),
  };
  return Object.entries(hit.keys).map(([name, value]) => ({
    key: { siteId: hit.siteId, name, value },
    ...shared,
  }));
}

/** The container's reconciliation keys present in a server hit, in the container's order. */
export function lookupKeys(
  hit: ServerHitEnvelope,
  container: Pick<ContainerRecord, 'reconciliationKeys'>,
): WebDataKey[] {
  return container.reconciliationKeys
    .filter((name) => hit.keys[name] !== undefined)
    .map((name) => ({ siteId: hit.siteId, name, value: hit.keys[name] }));
}

/** The web data of the first key (in the given order) that has some. */
export function contributionFor(
  keys: WebDataKey[],
  found: Map<string, WebData>,
): WebContribution | null {
  for (const key of keys) {
    const data = found.get(webDataId(key));
    if (data) return toContribution(key, data);
  }
  return null;
}

export function enrichedEvent(
  hit: ServerHitEnvelope,
  web: WebContribution | null,
  enrichment: EnrichmentResult,
  now: Date,
): EnrichedEvent {
  return { ...hit, web, enrichment, enrichedAt: now.toISOString() };
}

function toContribution(key: WebDataKey, data: WebData): WebContribution {
  const values = <T>(fields: Record<string, { value: T }>) =>
    Object.fromEntries(Object.entries(fields).map(([name, stamped]) => [name, stamped.value]));
  return {
    matchedKey: { name: key.name, value: key.value },
    cookies: values(data.cookies),
    variables: values(data.variables),
    consent: values(data.consent),
    page: data.page && { url: data.page.url, referrer: data.page.referrer },
    collectedAt: data.collectedAt.toISOString(),
  };
}
