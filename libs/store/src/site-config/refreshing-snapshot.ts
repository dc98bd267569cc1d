import type { Logger } from 'pino';

/**
 * Keeps an in-memory copy of something small that changes rarely (the
 * configuration), reloaded every `refreshMs`. Hot paths read the copy and
 * never wait for the store; when a reload fails the last good copy stays in
 * use, so a store outage does not stop ingest or dispatch.
 */
export class RefreshingSnapshot<T> {
  private current: T | null = null;
  private loadedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly load: () => Promise<T>,
    private readonly refreshMs: number,
    private readonly logger: Logger,
  ) {}

  /** Loads once (failing if the store cannot be read), then keeps reloading. */
  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch(() => undefined), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get value(): T {
    if (this.current === null) throw new Error(`${this.name} is not loaded yet`);
    return this.current;
  }

  /** Age of the copy in use; readiness can refuse a copy that is too old. */
  get ageMs(): number {
    return this.current === null ? Number.POSITIVE_INFINITY : Date.now() - this.loadedAt;
  }

  /** Reloads now; concurrent calls share one load. */
  reload(): Promise<void> {
    this.reloading ??= this.load()
      .then((value) => {
        this.current = value;
        this.loadedAt = Date.now();
      })
      .catch((error: unknown) => {
        this.logger.warn(
          { err: error, snapshot: this.name },
          'reload failed, keeping the last copy',
        );
        throw error;
      })
      .finally(() => {
        this.reloading = null;
      });
    return this.reloading;
  }
}
