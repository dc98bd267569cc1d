import { createHash } from 'node:crypto';
import { Connection, Model } from 'mongoose';
import { ConfigFile, Partner } from '@tagrelay/contracts';
import {
  containerSchema,
  ContainerRecord,
  destinationSchema,
  DestinationRecord,
} from './site-config.schema';

export interface ImportSummary {
  sites: number;
  containers: number;
  destinations: number;
  removedContainers: number;
  removedDestinations: number;
}

/** SHA-256 hex of a write key: what is stored and compared, never the key. */
export function digestWriteKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Sites, containers and destinations (DESIGN.md, configuration collections). */
export class SiteConfigRepository {
  private readonly containers: Model<ContainerRecord>;
  private readonly destinations: Model<DestinationRecord>;

  constructor(connection: Connection) {
    this.containers = connection.model<ContainerRecord>('Container', containerSchema);
    this.destinations = connection.model<DestinationRecord>('Destination', destinationSchema);
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([this.containers.createIndexes(), this.destinations.createIndexes()]);
  }

  /**
   * Makes the store hold exactly what the file says for each site it names:
   * containers and destinations of those sites that the file no longer lists
   * are removed; other sites are left alone. Idempotent.
   */
  async importConfig(file: ConfigFile): Promise<ImportSummary> {
    const now = new Date();
    const summary: ImportSummary = {
      sites: 0,
      containers: 0,
      destinations: 0,
      removedContainers: 0,
      removedDestinations: 0,
    };
    for (const site of file.sites) {
      summary.sites++;
      const containerOps = site.containers.map(
        ({ destinations: _destinations, writeKeys, ...container }) => ({
          updateOne: {
            filter: { siteId: site.siteId, containerId: container.containerId },
            update: {
              $set: {
                ...container,
                siteName: site.name,
                writeKeyDigests: writeKeys.map(digestWriteKey),
                updatedAt: now,
              },
              $inc: { version: 1 },
            },
            upsert: true,
          },
        }),
      );
      const destinationOps = site.containers.flatMap((container) =>
        container.destinations.map((destination) => ({
          updateOne: {
            filter: {
              siteId: site.siteId,
              containerId: container.containerId,
              destinationId: destination.destinationId,
            },
            update: {
              $set: {
                filter: null,
                consentCategory: null,
                ...destination,
                disabledReason: null,
                updatedAt: now,
              },
              $inc: { version: 1 },
            },
            upsert: true,
          },
        })),
      );
      if (containerOps.length > 0) await this.containers.bulkWrite(containerOps);
      if (destinationOps.length > 0) await this.destinations.bulkWrite(destinationOps);
      summary.containers += containerOps.length;
      summary.destinations += destinationOps.length;

      const keptContainers = site.containers.map((container) => container.containerId);
      const removedContainers = await this.containers.deleteMany({
        siteId: site.siteId,
        containerId: { $nin: keptContainers },
      });
      summary.removedContainers += removedContainers.deletedCount;
      for (const container of site.containers) {
        const kept = container.destinations.map((destination) => destination.destinationId);
        const removed = await this.destinations.deleteMany({
          siteId: site.siteId,
          containerId: container.containerId,
          destinationId: { $nin: kept },
        });
        summary.removedDestinations += removed.deletedCount;
      }
      const removedWithContainers = await this.destinations.deleteMany({
        siteId: site.siteId,
        containerId: { $nin: keptContainers },
      });
      summary.removedDestinations += removedWithContainers.deletedCount;
    }
    return summary;
  }

  listContainers(): Promise<ContainerRecord[]> {
    return this.containers.find({}, { _id: 0 }).lean<ContainerRecord[]>().exec();
  }

  findContainer(siteId: string, containerId: string): Promise<ContainerRecord | null> {
    return this.containers
      .findOne({ siteId, containerId }, { _id: 0 })
      .lean<ContainerRecord>()
      .exec();
  }

  listDestinations(partner: Partner): Promise<DestinationRecord[]> {
    return this.destinations.find({ partner }, { _id: 0 }).lean<DestinationRecord[]>().exec();
  }

  /** The partner said the destination is gone (e.g. webhook 410): stop sending. */
  async disableDestination(
    scope: { siteId: string; containerId: string; destinationId: string },
    reason: string,
  ): Promise<void> {
    await this.destinations.updateOne(scope, {
      $set: { enabled: false, disabledReason: reason, updatedAt: new Date() },
      $inc: { version: 1 },
    });
  }
}
