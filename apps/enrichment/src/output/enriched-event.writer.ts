import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { EnrichedEvent, PIPELINE_TOPICS, topicName } from '@tagrelay/contracts';
import { BatchingProducer } from '@tagrelay/kafka';
import { eventsEmitted } from '../enrichment.metrics';

/**
 * Bytes of events per produce() call. TRICKY: the broker refuses a request
 * whose record batch for one partition exceeds `message.max.bytes` (1 MiB by
 * default), and a whole consumed batch, all keyed to one partition, can be
 * several MiB once enriched; kafkajs does not split it.
 */
const MAX_CHUNK_BYTES = 256 * 1024;

export interface KeyedEvent {
  /** The server hit's Kafka key (`siteId:<key value>` or `siteId:eventId`). */
  key: string | null;
  event: EnrichedEvent;
}

/** Writes enriched events; resolves only once Kafka acknowledged all of them (acks=all). */
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
    // NOTE: one chunk after the other, so the producer cannot merge them into one request.
    for (const chunk of chunks(
      events.map(({ key, event }) => ({ key, value: JSON.stringify(event) })),
    )) {
      await this.producer.produce(this.topic, chunk);
    }
    const counts = new Map<string, number>();
    for (const { event } of events) {
      counts.set(event.enrichment, (counts.get(event.enrichment) ?? 0) + 1);
    }
    for (const [result, count] of counts) eventsEmitted.inc({ result }, count);
  }
}

function* chunks<T extends { value: string }>(messages: T[]): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.value);
    if (chunk.length > 0 && bytes + size > MAX_CHUNK_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
