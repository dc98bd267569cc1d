import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { Connection } from 'mongoose';
import {
  EnrichedEvent,
  HIT_ENVELOPE_VERSION,
  messageKey,
  PIPELINE_TOPICS,
  ServerHitEnvelope,
  topicName,
  WebHitEnvelope,
} from '@tagrelay/contracts';
import { connectMongo } from '@tagrelay/store';
import { createTestContext, seedConfig, TestContext, testSite, waitFor } from '@tagrelay/testing';

/** Reconciliation keys of `testSite()`, in its order. */
const KEY_ORDER = ['user_id', 'basket_id'];

export function serverHit(
  keys: Record<string, string>,
  overrides: Partial<ServerHitEnvelope> = {},
): ServerHitEnvelope {
  return {
    v: HIT_ENVELOPE_VERSION,
    kind: 'server',
    eventId: randomUUID(),
    siteId: 'shop',
    containerId: 'web',
    receivedAt: new Date().toISOString(),
    ip: '127.0.0.0',
    userAgent: 'test',
    variables: { event: 'purchase', amount: 12.5, ...keys },
    keys,
    ...overrides,
  };
}

export function webHit(
  keys: Record<string, string>,
  overrides: Partial<WebHitEnvelope> = {},
): WebHitEnvelope {
  return {
    v: HIT_ENVELOPE_VERSION,
    kind: 'web',
    eventId: randomUUID(),
    siteId: 'shop',
    containerId: 'web',
    receivedAt: new Date().toISOString(),
    ip: '127.0.0.0',
    userAgent: 'test',
    variables: { page_type: 'cart' },
    keys,
    cookies: { _fbp: 'fb.1.1.1' },
    consent: { marketing: true },
    page: { url: 'https://shop.example/cart', referrer: null },
    ...overrides,
  };
}

/** The Kafka key ingest gives a hit (DESIGN.md). */
export function keyOf(hit: { siteId: string; eventId: string; keys: Record<string, string> }) {
  const first = KEY_ORDER.find((name) => hit.keys[name] !== undefined);
  return messageKey(hit.siteId, first ? hit.keys[first] : hit.eventId);
}

/** Writes envelopes (or raw values) to the hit topics, as ingest does. */
export class HitWriter {
  private readonly producer: Producer;

  constructor(
    brokers: string,
    private readonly topicPrefix: string,
  ) {
    const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
  }

  connect = () => this.producer.connect();
  disconnect = () => this.producer.disconnect();

  async write(hits: (ServerHitEnvelope | WebHitEnvelope)[]): Promise<void> {
    const topic = (kind: 'server' | 'web') =>
      topicName(
        this.topicPrefix,
        kind === 'web' ? PIPELINE_TOPICS.webHits : PIPELINE_TOPICS.serverHits,
      );
    for (const kind of ['web', 'server'] as const) {
      const messages = hits
        .filter((hit) => hit.kind === kind)
        .map((hit) => ({ key: keyOf(hit), value: JSON.stringify(hit) }));
      for (let start = 0; start < messages.length; start += 2000) {
        await this.producer.send({
          topic: topic(kind),
          acks: -1,
          messages: messages.slice(start, start + 2000),
        });
      }
    }
  }

  async writeRaw(relativeTopic: string, messages: { key: string; value: string }[]) {
    await this.producer.send({
      topic: topicName(this.topicPrefix, relativeTopic),
      acks: -1,
      messages,
    });
  }
}

export interface ReceivedEvent {
  key: string | null;
  event: EnrichedEvent;
}

/**
 * Reads `events.enriched` from the beginning for the whole test file and
 * keeps every event, duplicates included, so tests can wait for theirs.
 */
export class EnrichedCollector {
  readonly received: ReceivedEvent[] = [];
  private readonly consumer: Consumer;

  constructor(
    brokers: string,
    private readonly topicPrefix: string,
  ) {
    const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `${topicPrefix}collector.${randomUUID()}` });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: topicName(this.topicPrefix, PIPELINE_TOPICS.enrichedEvents),
      fromBeginning: true,
    });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          this.received.push({
            key: message.key?.toString() ?? null,
            event: JSON.parse(message.value?.toString() ?? 'null') as EnrichedEvent,
          });
        }
      },
    });
  }

  stop = () => this.consumer.disconnect();

  /** Every event received for this hit so far. */
  eventsOf(eventId: string): ReceivedEvent[] {
    return this.received.filter((received) => received.event.eventId === eventId);
  }

  async waitFor(eventId: string, timeoutMs = 20_000): Promise<ReceivedEvent> {
    return waitFor(`the enriched event ${eventId}`, () => this.eventsOf(eventId)[0], {
      timeoutMs,
    });
  }

  /** Waits until each id was seen at least once; returns how often each was. */
  async waitForAll(eventIds: string[], timeoutMs: number): Promise<Map<string, number>> {
    const wanted = new Set(eventIds);
    const counts = () => {
      const seen = new Map<string, number>();
      for (const { event } of this.received) {
        if (wanted.has(event.eventId)) seen.set(event.eventId, (seen.get(event.eventId) ?? 0) + 1);
      }
      return seen;
    };
    await waitFor(
      `${wanted.size} enriched events (have ${counts().size})`,
      () => counts().size >= wanted.size,
      { timeoutMs, intervalMs: 200 },
    );
    return counts();
  }
}

/** What every enrichment test file starts from; the services it boots itself. */
export interface EnrichmentTestbed {
  context: TestContext;
  connection: Connection;
  hits: HitWriter;
  enriched: EnrichedCollector;
  /**
   * Stops the collector and the writer, then the services given, then the
   * store connection, and removes the file's topics and database.
   */
  close(services?: ({ close(): Promise<unknown> } | undefined)[]): Promise<void>;
}

/**
 * The file's topics, its sites in the configuration (`testSite()` unless
 * given), a store connection, a hit writer and a collector of every enriched
 * event. `servers`: private servers of the file (fault tests).
 */
export async function openEnrichmentTestbed(
  options: { sites?: unknown[]; servers?: { kafkaBrokers: string; mongodbUri: string } } = {},
): Promise<EnrichmentTestbed> {
  const context = createTestContext(options.servers);
  await context.createTopics();
  const mongo = { uri: context.mongodbUri, database: context.database };
  await seedConfig(mongo, options.sites ?? [testSite()]);
  const connection = await connectMongo(mongo);
  const hits = new HitWriter(context.kafkaBrokers, context.topicPrefix);
  await hits.connect();
  const enriched = new EnrichedCollector(context.kafkaBrokers, context.topicPrefix);
  await enriched.start();
  return {
    context,
    connection,
    hits,
    enriched,
    close: async (services = []) => {
      await enriched.stop();
      await hits.disconnect();
      await Promise.all(services.map((service) => service?.close()));
      await connection.close();
      await context.cleanup();
    },
  };
}
