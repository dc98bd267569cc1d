import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { EnrichedEvent, PIPELINE_TOPICS, topicName } from '@tagrelay/contracts';
import { BatchingProducer } from '@tagrelay/kafka';
import { eventsEmitted } from '../enrichment.metrics';

export interface KeyedEvent {
  /** The server hit's Kafka key (`siteId:<key value>` or `siteId:eventId`). */
  key: string | null;
  event: EnrichedEvent;
}

/**
 * Writes enriched events; resolves only once Kafka acknowledged all of them
 * (acks=all). A whole batch goes in one call: the producer splits it into
 * requests under the broker's size limit (all of a batch's events share a
 * partition, their hits' keys being on one partition too).
 */
@Injectable()
export class EnrichedEventWriter {
  private readonly topic: string;

  constructor(
    private readonly producer: BatchingProducer,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'kafka'>,
  ) {
    this.topic = topicName(config.kafka.topicPrefix, PIPELINE_TOPICS.enrichedEvents);
  }

  async write(events: KeyedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.producer.produce(
      this.topic,
      events.map(({ key, event }) => ({ key, value: JSON.stringify(event) })),
    );
    const counts = new Map<string, number>();
    for (const { event } of events) {
      counts.set(event.enrichment, (counts.get(event.enrichment) ?? 0) + 1);
    }
    for (const [result, count] of counts) eventsEmitted.inc({ result }, count);
  }
}
