import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { HealthRegistry } from '@tagrelay/runtime';
import { RefreshingSnapshot } from './refreshing-snapshot';

/** Older than this, the copy makes the service unready: its configuration is stale. */
const STALE_AFTER_MS = 5 * 60_000;

/**
 * A service's in-memory configuration (ingest's and enrichment's containers,
 * a dispatcher's destinations) as a Nest provider: loaded before the service
 * starts, reloaded every CONFIG_REFRESH_MS, and readiness `configuration`
 * false while the copy is stale. Subclasses say what to load and how to read
 * it.
 */
export abstract class ConfigurationCopy<T> implements OnModuleInit, OnApplicationShutdown {
  protected readonly snapshot: RefreshingSnapshot<T>;

  protected constructor(
    name: string,
    refreshMs: number,
    logger: Logger,
    private readonly health: HealthRegistry,
  ) {
    this.snapshot = new RefreshingSnapshot(name, () => this.load(), refreshMs, logger);
  }

  /** Reads the configuration; first called from `onModuleInit`, after construction. */
  protected abstract load(): Promise<T>;

  async onModuleInit(): Promise<void> {
    this.health.register({
      name: 'configuration',
      isHealthy: () => this.snapshot.ageMs < STALE_AFTER_MS,
    });
    await this.snapshot.start();
  }

  onApplicationShutdown(): void {
    this.snapshot.stop();
  }
}
