import { sleep } from './backoff';

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
 * single probe request decides whether the others may go.
 */
export class DestinationGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private nextSlotAt = 0;
  private state: 'closed' | 'open' | 'half-open' = 'closed';
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
    while (this.waiting.length > 0 && this.active < limits.concurrency) {
      this.active++;
      this.waiting.shift()?.();
    }
  }

  /** Waits for a free slot (concurrency, first come first served), then for the rate limit. */
  async acquire(): Promise<void> {
    if (this.active < this.limits.concurrency && this.waiting.length === 0) this.active++;
    // NOTE: a released slot is handed over to the first waiter, already counted.
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
    if (this.waiting.length > 0 && this.active <= this.limits.concurrency) this.waiting.shift()?.();
    else this.active--;
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
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.endProbe();
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
