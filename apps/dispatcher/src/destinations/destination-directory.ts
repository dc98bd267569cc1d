import { Inject, Injectable } from '@nestjs/common';
import { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { Partner } from '@tagrelay/contracts';
import { PartnerConnector } from '@tagrelay/partners';
import { HealthRegistry } from '@tagrelay/runtime';
import { ConfigurationCopy, MONGO_CONNECTION, SiteConfigRepository } from '@tagrelay/store';
import { DISPATCH_PARTNER, PARTNER_CONNECTOR } from '../dispatch.tokens';
import { compileDestination, Destination, destinationKey } from './destination';

interface Directory {
  /** Enabled destinations by `siteId/containerId`. */
  byContainer: Map<string, Destination[]>;
  /** Every destination of the partner, disabled ones too, by key. */
  byKey: Map<string, Destination>;
}

/**
 * The partner's destinations of every container, in memory, reloaded every
 * CONFIG_REFRESH_MS: dispatch never waits for MongoDB, and a store outage
 * leaves it running on the last good copy. Expressions are compiled once per
 * destination version and reused across reloads.
 */
@Injectable()
export class DestinationDirectory extends ConfigurationCopy<Directory> {
  private readonly repository: SiteConfigRepository;
  private readonly log: Logger;
  private compiled = new Map<string, Destination>();
  /** Disabled here (a 410) before the store's copy says so: `key@version` → reason. */
  private readonly disabledHere = new Map<string, string>();

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'mongo' | 'dispatcher'>,
    @Inject(DISPATCH_PARTNER) private readonly partner: Partner,
    @Inject(PARTNER_CONNECTOR) private readonly connector: PartnerConnector,
    @Inject(HealthRegistry) health: HealthRegistry,
    logger: PinoLogger,
  ) {
    const log = logger.logger.child({ module: 'destination-directory', partner });
    super(`${partner} destinations`, config.mongo.configRefreshMs, log, health);
    this.log = log;
    this.repository = new SiteConfigRepository(connection);
  }

  /** The enabled destinations of a container. */
  forContainer(siteId: string, containerId: string): Destination[] {
    return (this.snapshot.value.byContainer.get(`${siteId}/${containerId}`) ?? []).filter(
      (destination) => !this.disabledHere.has(`${destination.key}@${destination.version}`),
    );
  }

  /** One destination, enabled or not (parked events name theirs). */
  find(siteId: string, containerId: string, destinationId: string): Destination | undefined {
    const destination = this.snapshot.value.byKey.get(
      destinationKey(siteId, containerId, destinationId),
    );
    if (!destination) return undefined;
    const reason = this.disabledHere.get(`${destination.key}@${destination.version}`);
    return reason === undefined
      ? destination
      : { ...destination, enabled: false, disabledReason: reason };
  }

  /**
   * The partner said the destination is gone: stop sending at once here, and
   * in the store for every process (best effort: the local stop holds anyway).
   */
  async disable(destination: Destination, reason: string): Promise<void> {
    this.disabledHere.set(`${destination.key}@${destination.version}`, reason);
    try {
      await this.repository.disableDestination(
        {
          siteId: destination.siteId,
          containerId: destination.containerId,
          destinationId: destination.destinationId,
        },
        reason,
      );
      this.log.warn({ destination: destination.key, reason }, 'destination disabled');
    } catch (error) {
      this.log.error(
        { err: error, destination: destination.key },
        'could not disable the destination in the store',
      );
    }
  }

  reload(): Promise<void> {
    return this.snapshot.reload();
  }

  protected async load(): Promise<Directory> {
    const records = await this.repository.listDestinations(this.partner);
    const compiled = new Map<string, Destination>();
    const byContainer = new Map<string, Destination[]>();
    const byKey = new Map<string, Destination>();
    for (const record of records) {
      const id = `${destinationKey(record.siteId, record.containerId, record.destinationId)}@${record.version}`;
      const destination =
        this.compiled.get(id) ?? compileDestination(record, this.connector, this.config.dispatcher);
      compiled.set(id, destination);
      if (!this.compiled.has(id) && destination.problems.length > 0) {
        this.log.warn(
          { destination: destination.key, problems: destination.problems },
          'destination cannot be used',
        );
      }
      byKey.set(destination.key, destination);
      if (!destination.enabled) continue;
      const container = `${record.siteId}/${record.containerId}`;
      byContainer.set(container, [...(byContainer.get(container) ?? []), destination]);
    }
    this.compiled = compiled;
    for (const id of this.disabledHere.keys()) {
      if (!compiled.has(id)) this.disabledHere.delete(id);
    }
    return { byContainer, byKey };
  }
}
