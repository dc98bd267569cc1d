import { AppConfig } from '@tagrelay/config';
import { ValidationError } from '@tagrelay/contracts';
import {
  DestinationRules,
  DestinationSettings,
  optionNumber,
  PartnerConnector,
} from '@tagrelay/partners';
import type { DestinationRecord } from '@tagrelay/store';

/** A destination ready to use: its settings checked, its expressions compiled. */
export interface Destination {
  /** `siteId/containerId/destinationId`. */
  key: string;
  siteId: string;
  containerId: string;
  destinationId: string;
  version: number;
  enabled: boolean;
  disabledReason: string | null;
  consentCategory: string | null;
  settings: DestinationSettings;
  /** Null when `problems` is not empty. */
  rules: DestinationRules | null;
  /** Why it cannot be used (missing credentials, an expression that does not compile). */
  problems: string[];
  concurrency: number;
  rateLimitPerSecond: number;
}

export const destinationKey = (siteId: string, containerId: string, destinationId: string) =>
  `${siteId}/${containerId}/${destinationId}`;

/**
 * Builds a destination from its record. Never throws: a destination that
 * cannot be used carries its problems, and its events fail with them.
 */
export function compileDestination(
  record: DestinationRecord,
  connector: PartnerConnector,
  defaults: Pick<AppConfig['dispatcher'], 'concurrency' | 'rateLimitPerSecond'>,
): Destination {
  const settings: DestinationSettings = {
    destinationId: record.destinationId,
    credentials: record.credentials ?? {},
    options: record.options ?? {},
  };
  const problems = connector.checkSettings(settings);
  let rules: DestinationRules | null = null;
  try {
    rules = DestinationRules.compile(record.mapping ?? {}, record.filter ?? null);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(error.message);
  }
  const concurrency = optionNumber(settings, 'concurrency');
  const rate = optionNumber(settings, 'rateLimitPerSecond');
  return {
    key: destinationKey(record.siteId, record.containerId, record.destinationId),
    siteId: record.siteId,
    containerId: record.containerId,
    destinationId: record.destinationId,
    version: record.version,
    enabled: record.enabled !== false,
    disabledReason: record.disabledReason ?? null,
    consentCategory: record.consentCategory ?? null,
    settings,
    rules: problems.length === 0 ? rules : null,
    problems,
    concurrency:
      concurrency !== undefined && concurrency >= 1
        ? Math.floor(concurrency)
        : defaults.concurrency,
    rateLimitPerSecond: rate !== undefined && rate >= 0 ? rate : defaults.rateLimitPerSecond,
  };
}
