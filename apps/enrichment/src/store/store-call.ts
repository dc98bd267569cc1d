import { FatalError, RetriableError } from '@tagrelay/contracts';
import { storeFailures, storeSeconds } from '../enrichment.metrics';

/**
 * Times one MongoDB call and turns its failure into a `RetriableError`: the
 * batch consumer then retries the whole batch with backoff and commits
 * nothing, and readiness goes false until a batch succeeds again.
 *
 * NOTE: every store failure is retriable, even one that looks permanent:
 * skipping a batch would lose hits, while a stuck partition is seen (lag,
 * readiness) and fixed.
 */
export async function storeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  const stop = storeSeconds.startTimer({ operation });
  try {
    return await call();
  } catch (error) {
    storeFailures.inc({ operation });
    if (error instanceof RetriableError || error instanceof FatalError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new RetriableError(`store ${operation} failed: ${message}`, { cause: error });
  } finally {
    stop();
  }
}
