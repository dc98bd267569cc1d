import { Inject, Injectable } from '@nestjs/common';
import { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { HealthRegistry } from '@tagrelay/runtime';
import {
  ConfigurationCopy,
  ContainerRecord,
  digestWriteKey,
  MONGO_CONNECTION,
  SiteConfigRepository,
} from '@tagrelay/store';

type Directory = Map<string, ContainerRecord>;

/**
 * Every container, in memory, reloaded every CONFIG_REFRESH_MS: the hot path
 * never waits for MongoDB, and a store outage leaves ingest running on the
 * last good copy.
 */
@Injectable()
export class ContainerDirectory extends ConfigurationCopy<Directory> {
  private readonly repository: SiteConfigRepository;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'mongo'>,
    @Inject(HealthRegistry) health: HealthRegistry,
    logger: PinoLogger,
  ) {
    super('containers', config.mongo.configRefreshMs, logger.logger, health);
    this.repository = new SiteConfigRepository(connection);
  }

  protected async load(): Promise<Directory> {
    const containers = await this.repository.listContainers();
    return new Map(containers.map((c) => [id(c.siteId, c.containerId), c]));
  }

  find(siteId: string, containerId: string): ContainerRecord | undefined {
    return this.snapshot.value.get(id(siteId, containerId));
  }
}

/**
 * NOTE: the key is compared by digest: what a timing attack could learn is a
 * prefix of a SHA-256, not of the key.
 */
export function acceptsWriteKey(container: ContainerRecord, key: string | undefined): boolean {
  if (!key) return false;
  return container.writeKeyDigests.includes(digestOf(key));
}

/**
 * Digests of the keys clients presented lately: a site sends the same key on
 * every hit, and SHA-256 per request was 2% of the ingest's CPU. Bounded
 * (cleared when full, long keys never kept), so random keys cannot grow it.
 */
const recentDigests = new Map<string, string>();
const RECENT_DIGESTS_MAX = 10_000;
const CACHED_KEY_MAX_LENGTH = 256;

function digestOf(key: string): string {
  const known = recentDigests.get(key);
  if (known !== undefined) return known;
  const digest = digestWriteKey(key);
  if (key.length <= CACHED_KEY_MAX_LENGTH) {
    if (recentDigests.size >= RECENT_DIGESTS_MAX) recentDigests.clear();
    recentDigests.set(key, digest);
  }
  return digest;
}

const id = (siteId: string, containerId: string) => `${siteId}\u0000${containerId}`;
