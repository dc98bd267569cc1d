import { IHeaders } from 'kafkajs';

/** One consumed message, as handlers see it. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: string;
}

/**
 * What a batch handler says about each message. Handlers return outcomes for
 * bad data instead of throwing; throwing means "the whole batch could not be
 * handled now" (store down, broker away) and the consumer tries it again.
 *
 * - `ok`: handled; its offset may be committed.
 * - `drop`: deliberately skipped (counted and logged), e.g. a test message.
 * - `dlq`: can never be handled (unparseable, fails its schema): parked in the
 *   dead-letter topic with the reason, and the stream goes on.
 * - `retry`: could not be handled now; the consumer tries it again after a
 *   backoff and commits nothing past it meanwhile.
 */
export type HandlerOutcome =
  | { kind: 'ok' }
  | { kind: 'drop'; reason: string }
  | { kind: 'dlq'; reason: string; step: string }
  | { kind: 'retry'; reason: string };

export const ok = (): HandlerOutcome => ({ kind: 'ok' });
export const drop = (reason: string): HandlerOutcome => ({ kind: 'drop', reason });
export const deadLetter = (step: string, reason: string): HandlerOutcome => ({
  kind: 'dlq',
  step,
  reason,
});
export const retryLater = (reason: string): HandlerOutcome => ({ kind: 'retry', reason });

/** Handles one batch of one partition; returns one outcome per message, in order. */
export type BatchHandler = (messages: ConsumedMessage[]) => Promise<HandlerOutcome[]>;
