import { ContainerRecord } from '@tagrelay/store';
import { ConsumedMessage, deadLetter, HandlerOutcome, ok } from '@tagrelay/kafka';
import { ContainerCatalog } from '../containers/container-catalog';
import { hitsConsumed, hitsDeadLettered } from '../enrichment.metrics';
import { storeCall } from '../store/store-call';
import { Decoded } from './hit.decoder';

export interface AcceptedHit<T> {
  message: ConsumedMessage;
  hit: T;
  container: ContainerRecord;
}

export interface BatchIntake<T> {
  /** One per message, in order: `ok` unless it goes to the dead-letter topic. */
  outcomes: HandlerOutcome[];
  accepted: AcceptedHit<T>[];
}

/**
 * Decodes a batch and finds each hit's container. A message that is not a
 * valid envelope, or names a container that does not exist (even after a
 * reload), is dead-lettered with the reason: it stays replayable, and the
 * stream goes on.
 *
 * NOTE: dead-lettered rather than dropped for an unknown container: a
 * container created a moment ago is known to ingest before it is known here.
 */
export async function takeBatch<T extends { siteId: string; containerId: string }>(
  messages: ConsumedMessage[],
  decode: (message: ConsumedMessage) => Decoded<T>,
  catalog: ContainerCatalog,
): Promise<BatchIntake<T>> {
  const decoded = messages.map(decode);
  const known = (result: Decoded<T>) =>
    !result.ok || catalog.find(result.hit.siteId, result.hit.containerId) !== undefined;
  if (!decoded.every(known)) {
    await storeCall('containers.reload', () => catalog.refreshForUnknown());
  }
  const outcomes: HandlerOutcome[] = [];
  const accepted: AcceptedHit<T>[] = [];
  decoded.forEach((result, index) => {
    if (!result.ok) {
      outcomes.push(deadLetter('parse', result.reason));
      return;
    }
    const { siteId, containerId } = result.hit;
    const container = catalog.find(siteId, containerId);
    if (!container) {
      outcomes.push(deadLetter('container', `unknown container ${siteId}/${containerId}`));
      return;
    }
    outcomes.push(ok());
    accepted.push({ message: messages[index], hit: result.hit, container });
  });
  return { outcomes, accepted };
}

/** Counts a batch once it is handled (a retried batch is counted once). */
export function countBatch(kind: 'web' | 'server', outcomes: HandlerOutcome[]): void {
  hitsConsumed.inc({ kind }, outcomes.length);
  for (const outcome of outcomes) {
    if (outcome.kind === 'dlq') hitsDeadLettered.inc({ kind, step: outcome.step });
  }
}
