import { sleep } from './backoff';

/** Failed attempts in a row (any requests) that pause a destination. */
export const FAILURES_TO_PAUSE = 5;

export type Admission =
  | { kind: 'go' }
  /** The first request after a pause: its answer decides whether the others go. */
  | { kind: 'probe' }
  | { kind: 'paused'; reason: string; remainingMs: number };

export interface GateLimits {
  concurrency: number;
  /** 0 = no limit. */
  ratePerSecond: number;
}

/**
 * What stands between one destination and its partner: a concurrency cap, a
 * rate limit, and a circuit breaker. The breaker is what keeps a failing
 * destination from stalling the others batch after batch: once a request has
 * used up its attempts, the destination is paused for a cool-down (or the
 * partner's Retry-After) and its events are parked without a request; then a
 * single probe request decides whether the others may go. A run of failures
 * across concurrent requests pauses it too.
 */
export class DestinationGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private nextSlotAt = 0;
  private state: 'closed' | 'open' | 'half-open' = 'closed';
  private consecutiveFailures = 0;
  private openUntil = 0;
  private reason = '';
  private probeSettled: Promise<void> | null = null;
  private settleProbe: (() => void) | null = null;

  constructor(
    private limits: GateLimits,
    private readonly cooldownMs: number,
    private readonly onOpen: () => void = () => undefined,
  ) {}

  /** Limits follow the destination's configuration as it changes. */
  configure(limits: GateLimits): void {
    this.limits = limits;
    this.pump();
  }

  /** Waits for a free slot (first come first served), then for the rate limit. */
  async acquire(): Promise<void> {
    if (this.waiting.length === 0 && this.active < this.slots) this.active++;
    // NOTE: pump() hands the slot over already counted.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.limits.ratePerSecond > 0) {
      const interval = 1000 / this.limits.ratePerSecond;
      const now = Date.now();
      const slot = Math.max(now, this.nextSlotAt);
      this.nextSlotAt = slot + interval;
      if (slot > now) await sleep(slot - now);
    }
  }

  release(): void {
    this.active--;
    this.pump();
  }

  /**
   * Requests allowed in flight: after a failed attempt, one at a time until
   * one succeeds, so a partner that stopped answering gets one more hanging
   * request, not `concurrency` more.
   */
  private get slots(): number {
    return this.consecutiveFailures > 0 ? 1 : this.limits.concurrency;
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.active < this.slots) {
      this.active++;
      this.waiting.shift()?.();
    }
  }

  /** May a request go now? While a probe is out, waits for its answer. */
  async admit(): Promise<Admission> {
    for (;;) {
      if (this.state === 'closed') return { kind: 'go' };
      if (this.state === 'open') {
        const remainingMs = this.openUntil - Date.now();
        if (remainingMs > 0) return { kind: 'paused', reason: this.reason, remainingMs };
        this.state = 'half-open';
        this.probeSettled = new Promise<void>((resolve) => (this.settleProbe = resolve));
        return { kind: 'probe' };
      }
      await this.probeSettled;
    }
  }

  /** The partner answered (even with a 4xx): it is reachable. */
  succeeded(): void {
    this.consecutiveFailures = 0;
    this.pump();
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.endProbe();
  }

  /**
   * One attempt failed in a way that may pass (timeout, 5xx, 429). Returns
   * true when the destination is paused now: after FAILURES_TO_PAUSE failures
   * in a row, whichever requests they came from, so concurrent requests to a
   * partner that hangs stop after one timeout instead of each using up its
   * attempts.
   */
  attemptFailed(reason: string, retryAfterMs: number | null): boolean {
    this.consecutiveFailures++;
    if (this.state === 'open') return true;
    if (this.consecutiveFailures < FAILURES_TO_PAUSE) return false;
    this.failed(reason, retryAfterMs);
    return true;
  }

  /** A request used up its attempts (or was told to come back much later). */
  failed(reason: string, retryAfterMs: number | null): void {
    if (this.state !== 'open') this.onOpen();
    this.state = 'open';
    this.reason = reason;
    this.openUntil = Math.max(
      this.openUntil,
      Date.now() + Math.max(this.cooldownMs, retryAfterMs ?? 0),
    );
    this.endProbe();
  }

  /** A probe that ended without an answer (should not happen): let the next one try. */
  abandonProbe(): void {
    if (this.state !== 'half-open') return;
    this.state = 'open';
    this.openUntil = 0;
    this.endProbe();
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  private endProbe(): void {
    this.settleProbe?.();
    this.settleProbe = null;
    this.probeSettled = null;
  }
}
