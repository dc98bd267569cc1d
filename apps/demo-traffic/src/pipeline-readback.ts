import { randomBytes } from 'node:crypto';
import { Admin, Consumer, Kafka } from 'kafkajs';
import {
  DeliveryRecord,
  dispatchDeadLetterTopic,
  EnrichedEvent,
  Partner,
  PARTNERS,
  PIPELINE_TOPICS,
  topicName,
} from '@tagrelay/contracts';

/** Partition → offset (the next offset to be written), per topic. */
export type TopicOffsets = Record<string, Map<number, string>>;

const FINAL_STATUSES = new Set<DeliveryRecord['status']>(['delivered', 'filtered', 'failed']);

/** What the pipeline wrote about a set of server hits, read back from Kafka. */
export class PipelineReadback {
  readonly topics: {
    serverHits: string;
    webHits: string;
    enriched: string;
    deliveries: string;
    deadLetters: Record<Partner, string>;
  };
  /** eventId → matched | late | miss (the last seen, for a redelivered event). */
  readonly enrichment = new Map<string, EnrichedEvent['enrichment']>();
  /** `destinationId eventId` → the newest record; plus every record's status counted. */
  readonly latestDelivery = new Map<string, DeliveryRecord>();
  readonly deliveryCounts = new Map<string, number>();
  private consumer: Consumer | null = null;
  private readonly groupId = `tagrelay.demo-traffic.${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly kafka: Kafka,
    prefix: string,
  ) {
    this.topics = {
      serverHits: topicName(prefix, PIPELINE_TOPICS.serverHits),
      webHits: topicName(prefix, PIPELINE_TOPICS.webHits),
      enriched: topicName(prefix, PIPELINE_TOPICS.enrichedEvents),
      deliveries: topicName(prefix, PIPELINE_TOPICS.deliveries),
      deadLetters: Object.fromEntries(
        PARTNERS.map((partner) => [partner, topicName(prefix, dispatchDeadLetterTopic(partner))]),
      ) as Record<Partner, string>,
    };
  }

  /** The end of every topic the summary reads: taken before the run, compared after. */
  async offsets(): Promise<TopicOffsets> {
    return this.withAdmin(async (admin) => {
      const topics = [
        this.topics.serverHits,
        this.topics.webHits,
        this.topics.enriched,
        this.topics.deliveries,
        ...Object.values(this.topics.deadLetters),
      ];
      const result: TopicOffsets = {};
      for (const topic of topics) {
        const partitions = await admin.fetchTopicOffsets(topic);
        result[topic] = new Map(partitions.map((p) => [p.partition, p.offset]));
      }
      return result;
    });
  }

  /**
   * Reads `events.enriched` and `deliveries` from where they ended before the
   * run (a throw-away consumer group whose offsets are set there first).
   */
  async startReading(from: TopicOffsets): Promise<void> {
    const topics = [this.topics.enriched, this.topics.deliveries];
    await this.withAdmin(async (admin) => {
      for (const topic of topics) {
        await admin.setOffsets({
          groupId: this.groupId,
          topic,
          partitions: [...from[topic]].map(([partition, offset]) => ({ partition, offset })),
        });
      }
    });
    this.consumer = this.kafka.consumer({ groupId: this.groupId });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const value = parse(message.value?.toString());
          if (!value) continue;
          if (batch.topic === this.topics.enriched) {
            const event = value as Partial<EnrichedEvent>;
            if (event.eventId && event.enrichment) {
              this.enrichment.set(event.eventId, event.enrichment);
            }
          } else {
            const record = value as DeliveryRecord;
            if (!record.eventId || !record.destinationId) continue;
            const key = `${record.partner} ${record.status}`;
            this.deliveryCounts.set(key, (this.deliveryCounts.get(key) ?? 0) + 1);
            this.latestDelivery.set(`${record.destinationId} ${record.eventId}`, record);
          }
        }
      },
    });
  }

  /** True when every event has an enrichment result and, at each destination, a final outcome. */
  settled(eventIds: Iterable<string>, destinationIds: string[]): boolean {
    for (const eventId of eventIds) {
      if (!this.enrichment.has(eventId)) return false;
      for (const destinationId of destinationIds) {
        const record = this.latestDelivery.get(`${destinationId} ${eventId}`);
        if (!record || !FINAL_STATUSES.has(record.status)) return false;
      }
    }
    return true;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.withAdmin((admin) => admin.deleteGroups([this.groupId])).catch(() => undefined);
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }
}

/** Messages written to each topic between two snapshots. */
export function growth(before: TopicOffsets, after: TopicOffsets, topic: string): number {
  let total = 0;
  for (const [partition, offset] of after[topic] ?? []) {
    total += Number(offset) - Number(before[topic]?.get(partition) ?? 0);
  }
  return total;
}

function parse(text: string | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
