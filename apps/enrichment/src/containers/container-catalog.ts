import { Inject, Injectable } from '@nestjs/common';
import { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { HealthRegistry } from '@tagrelay/runtime';
import {
  ConfigurationCopy,
  ContainerRecord,
  MONGO_CONNECTION,
  SiteConfigRepository,
} from '@tagrelay/store';

interface Catalog {
  containers: Map<string, ContainerRecord>;
  /** Sites with a container that waits for late web data (matchWindowMs > 0). */
  sitesWithMatchWindow: Set<string>;
}

/** How fresh a copy must be before a hit of an unknown container is given up on. */
const UNKNOWN_CONTAINER_RELOAD_MS = 1000;

/**
 * Every container (key order, web-data TTL, match window), in memory and
 * reloaded every CONFIG_REFRESH_MS; a store outage keeps the last copy.
 */
@Injectable()
export class ContainerCatalog extends ConfigurationCopy<Catalog> {
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

  protected async load(): Promise<Catalog> {
    return toCatalog(await this.repository.listContainers());
  }

  find(siteId: string, containerId: string): ContainerRecord | undefined {
    return this.snapshot.value.containers.get(id(siteId, containerId));
  }

  /** A web hit of this site may release parked server hits. */
  hasMatchWindow(siteId: string): boolean {
    return this.snapshot.value.sitesWithMatchWindow.has(siteId);
  }

  /**
   * Reloads now unless the copy was loaded a moment ago: a container created
   * since the last reload is known to ingest before it is known here.
   */
  async refreshForUnknown(): Promise<void> {
    if (this.snapshot.ageMs > UNKNOWN_CONTAINER_RELOAD_MS) await this.snapshot.reload();
  }
}

function toCatalog(containers: ContainerRecord[]): Catalog {
  return {
    containers: new Map(containers.map((c) => [id(c.siteId, c.containerId), c])),
    sitesWithMatchWindow: new Set(
      containers.filter((c) => c.matchWindowMs > 0).map((c) => c.siteId),
    ),
  };
}

const id = (siteId: string, containerId: string) => `${siteId}\u0000${containerId}`;
