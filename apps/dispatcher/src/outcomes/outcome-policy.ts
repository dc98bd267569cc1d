import { DeliveryRecord } from '@tagrelay/contracts';
import type { JobResult } from '../delivery/delivery-job';

/** What becomes of a job's result: its record, and where the message goes. */
export type Settlement =
  | { status: Exclude<DeliveryRecord['status'], 'retrying'>; park: null; reason: string | null }
  | { status: 'retrying'; park: { round: number; retryAt: number }; reason: string | null }
  | { status: 'failed'; park: 'dead-letter'; reason: string };

/**
 * A `retry` goes to the retry topic for round `round + 1` after that round's
 * delay (or the partner's Retry-After, if longer); after the last round, and
 * for any `failed`, to the dead-letter topic.
 */
export function settle(
  result: JobResult,
  round: number,
  delaysMs: number[],
  now: number,
): Settlement {
  switch (result.status) {
    case 'delivered':
      return { status: 'delivered', park: null, reason: null };
    case 'filtered':
      return { status: 'filtered', park: null, reason: result.reason };
    case 'failed':
      return { status: 'failed', park: 'dead-letter', reason: result.reason ?? 'failed' };
    case 'retry': {
      if (round >= delaysMs.length) {
        return {
          status: 'failed',
          park: 'dead-letter',
          reason: `gave up after ${result.attempts} attempts in ${round + 1} rounds: ${result.reason}`,
        };
      }
      const delay = Math.max(delaysMs[round], result.retryAfterMs ?? 0);
      return {
        status: 'retrying',
        park: { round: round + 1, retryAt: now + delay },
        reason: result.reason,
      };
    }
  }
}
