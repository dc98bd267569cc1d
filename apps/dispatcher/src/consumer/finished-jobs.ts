import type { JobResult } from '../delivery/delivery-job';

/**
 * Results of jobs whose partner side is done but whose records are not yet
 * acknowledged. When writing them fails, the batch consumer hands the same
 * messages again; these are then recorded without being sent twice.
 * Bounded: the oldest entries go first.
 */
export class FinishedJobs {
  private readonly results = new Map<string, JobResult>();

  constructor(private readonly capacity = 100_000) {}

  get(key: string): JobResult | undefined {
    return this.results.get(key);
  }

  set(key: string, result: JobResult): void {
    this.results.set(key, result);
    if (this.results.size > this.capacity) {
      const oldest = this.results.keys().next().value;
      if (oldest !== undefined) this.results.delete(oldest);
    }
  }

  forget(keys: string[]): void {
    for (const key of keys) this.results.delete(key);
  }

  get size(): number {
    return this.results.size;
  }
}
