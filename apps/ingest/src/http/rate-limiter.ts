/**
 * Token bucket per container, per ingest process: a container limited to N
 * hits/s gets N tokens a second and a burst of N. With several ingest
 * processes behind a balancer the effective limit is N per process.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  /** Takes `count` tokens; returns 0 when allowed, else seconds to wait. */
  take(bucket: string, perSecond: number, count: number, now = Date.now()): number {
    if (perSecond <= 0) return 0;
    let state = this.buckets.get(bucket);
    if (!state) {
      state = { tokens: perSecond, updatedAt: now };
      this.buckets.set(bucket, state);
    }
    state.tokens = Math.min(perSecond, state.tokens + ((now - state.updatedAt) / 1000) * perSecond);
    state.updatedAt = now;
    if (state.tokens >= count) {
      state.tokens -= count;
      return 0;
    }
    return Math.max(1, Math.ceil((count - state.tokens) / perSecond));
  }
}
