import type { ConsumedMessage } from '@tagrelay/kafka';

/**
 * Headers of messages parked in `dispatch.<partner>.retry` and `.dlq`. The
 * original key and value travel unchanged; these say why, where from, how
 * often, for which destination and when to try again.
 */
export const DISPATCH_HEADERS = {
  error: 'tagrelay-error',
  step: 'tagrelay-step',
  sourceTopic: 'tagrelay-source-topic',
  sourcePartition: 'tagrelay-source-partition',
  sourceOffset: 'tagrelay-source-offset',
  /** Retry round the message is in: 1 for its first stay in the retry topic. */
  attempt: 'tagrelay-attempt',
  /** HTTP attempts made so far, all rounds together. */
  attempts: 'tagrelay-attempts',
  /** ISO 8601; the message is not tried again before. */
  retryAt: 'tagrelay-retry-at',
  destinationId: 'tagrelay-destination-id',
  httpStatus: 'tagrelay-http-status',
  /** The partner's last answer (or why there was none). */
  response: 'tagrelay-response',
} as const;

const OWN = new Set<string>(Object.values(DISPATCH_HEADERS));

export interface ParkedFacts {
  round: number;
  attempts: number;
  retryAt: number;
  destinationId: string;
}

export function header(message: ConsumedMessage, name: string): string | undefined {
  const value = message.headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String).join(',') : value.toString();
}

/** What a parked message says about itself; null when its headers are not ours. */
export function readParkedFacts(message: ConsumedMessage): ParkedFacts | null {
  const round = Number(header(message, DISPATCH_HEADERS.attempt));
  const attempts = Number(header(message, DISPATCH_HEADERS.attempts) ?? '0');
  const retryAt = Date.parse(header(message, DISPATCH_HEADERS.retryAt) ?? '');
  const destinationId = header(message, DISPATCH_HEADERS.destinationId);
  if (
    !Number.isInteger(round) ||
    round < 1 ||
    !Number.isInteger(attempts) ||
    Number.isNaN(retryAt) ||
    !destinationId
  ) {
    return null;
  }
  return { round, attempts, retryAt, destinationId };
}

/**
 * The headers of a message to park: the message's own headers (not ours) are
 * kept; the source stays the original one when the message was parked before.
 */
export function parkingHeaders(
  message: ConsumedMessage,
  facts: Record<string, string>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of Object.keys(message.headers)) {
    if (!OWN.has(name)) kept[name] = header(message, name) ?? '';
  }
  const source = {
    [DISPATCH_HEADERS.sourceTopic]: header(message, DISPATCH_HEADERS.sourceTopic) ?? message.topic,
    [DISPATCH_HEADERS.sourcePartition]:
      header(message, DISPATCH_HEADERS.sourcePartition) ?? String(message.partition),
    [DISPATCH_HEADERS.sourceOffset]:
      header(message, DISPATCH_HEADERS.sourceOffset) ?? message.offset,
  };
  return { ...kept, ...source, ...facts };
}
