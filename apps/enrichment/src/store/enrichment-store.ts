import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Provider } from '@nestjs/common';
import { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { MONGO_CONNECTION, PendingRepository, TtlHandle, WebDataRepository } from '@tagrelay/store';

export const repositoryProviders: Provider[] = [
  {
    provide: WebDataRepository,
    inject: [MONGO_CONNECTION],
    useFactory: (connection: Connection) => new WebDataRepository(connection),
  },
  {
    provide: PendingRepository,
    inject: [MONGO_CONNECTION],
    useFactory: (connection: Connection) => new PendingRepository(connection),
  },
];

/** Creates the indexes and TTL expiry of `webdata` and `pending` at start-up. */
@Injectable()
export class EnrichmentStoreIndexes implements OnModuleInit, OnModuleDestroy {
  private handles: TtlHandle[] = [];

  constructor(
    private readonly webData: WebDataRepository,
    private readonly pending: PendingRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'mongo'>,
    private readonly logger: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    const ttl = {
      sweepIntervalMs: this.config.mongo.ttlSweepIntervalMs,
      logger: this.logger.logger,
    };
    const [webData, pending] = await Promise.all([
      this.webData.ensureIndexes(ttl),
      this.pending.ensureIndexes(ttl),
    ]);
    this.handles = [webData, ...pending];
  }

  // NOTE: before the connection closes (onApplicationShutdown).
  onModuleDestroy(): void {
    for (const handle of this.handles) handle.stop();
  }
}
