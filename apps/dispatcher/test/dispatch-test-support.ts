import { randomUUID } from 'node:crypto';
import { IHeaders, Kafka, logLevel, Producer } from 'kafkajs';
import {
  dispatchDeadLetterTopic,
  dispatchRetryTopic,
  EnrichedEvent,
  messageKey,
  Partner,
  PIPELINE_TOPICS,
  topicName,
} from '@tagrelay/contracts';
import { TestContext, testSite, waitFor } from '@tagrelay/testing';

/** A signing secret as the Standard Webhooks specification writes them. */
export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** The test site (`shop`/`web`) with these destinations (validated by `seedConfig`). */
export function siteWith(destinations: Record<string, unknown>[]): unknown {
  const site = testSite();
  return { ...site, containers: [{ ...site.containers[0], destinations }] };
}

/** An enriched purchase with web data; each call gets a new event id. */
export function enrichedEvent(overrides: Partial<EnrichedEvent> = {}): EnrichedEvent {
  const now = new Date().toISOString();
  return {
    v: 1,
    kind: 'server',
    eventId: randomUUID(),
    siteId: 'shop',
    containerId: 'web',
    receivedAt: now,
    ip: '203.0.113.0',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
    variables: {
      event: 'purchase',
      email: 'Person@Example.com',
      value: 20,
      currency: 'EUR',
      order_id: 'o-1',
    },
    keys: { user_id: 'u-1' },
    web: {
      matchedKey: { name: 'user_id', value: 'u-1' },
      cookies: { _fbp: 'fb.1.1.2', _ga: 'GA1.1.111.222' },
      variables: {},
      consent: { marketing: true },
      page: { url: 'https://shop.example/thanks', referrer: null },
      collectedAt: now,
    },
    enrichment: 'matched',
    enrichedAt: now,
    ...overrides,
  };
}

export interface CollectedMessage<T = unknown> {
  topic: string;
  key: string | null;
  value: T;
  headers: Record<string, string>;
}

/**
 * Writes to `events.enriched` and reads what the dispatcher writes
 * (deliveries, retry, dead letters) with one consumer for the whole file.
 */
export class DispatchTopics {
  readonly collected: CollectedMessage[] = [];
  private readonly kafka: Kafka;
  private producer!: Producer;
  private readonly consumer;

  constructor(
    private readonly context: TestContext,
    readonly partner: Partner,
  ) {
    this.kafka = new Kafka({
      brokers: context.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    this.consumer = this.kafka.consumer({
      groupId: `${context.topicPrefix}collector.${randomUUID()}`,
    });
  }

  topic(name: 'events' | 'deliveries' | 'retry' | 'dlq'): string {
    const relative = {
      events: PIPELINE_TOPICS.enrichedEvents,
      deliveries: PIPELINE_TOPICS.deliveries,
      retry: dispatchRetryTopic(this.partner),
      dlq: dispatchDeadLetterTopic(this.partner),
    }[name];
    return topicName(this.context.topicPrefix, relative);
  }

  async start(): Promise<void> {
    // NOTE: idempotent, so a retried produce never writes an event twice (duplicates counted
    // by the tests are the dispatcher's own).
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [this.topic('deliveries'), this.topic('retry'), this.topic('dlq')],
      fromBeginning: true,
    });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const text = message.value?.toString() ?? '';
        let value: unknown = text;
        try {
          value = JSON.parse(text);
        } catch {
          // kept as text
        }
        this.collected.push({
          topic,
          key: message.key?.toString() ?? null,
          value,
          headers: stringHeaders(message.headers ?? {}),
        });
      },
    });
  }

  async stop(): Promise<void> {
    await Promise.all([this.consumer.disconnect(), this.producer?.disconnect()]);
  }

  async send(events: (EnrichedEvent | string)[]): Promise<void> {
    await this.producer.send({
      topic: this.topic('events'),
      acks: -1,
      messages: events.map((event) =>
        typeof event === 'string'
          ? { key: 'shop:poison', value: event }
          : {
              key: messageKey(event.siteId, event.keys.user_id ?? event.eventId),
              value: JSON.stringify(event),
            },
      ),
    });
  }

  /** Delivery records (optionally of some events only). */
  deliveries(eventIds?: Set<string>): DeliveryValue[] {
    return this.in<DeliveryValue>('deliveries')
      .filter((message) => !eventIds || eventIds.has(message.value.eventId))
      .map((message) => message.value);
  }

  in<T>(name: 'deliveries' | 'retry' | 'dlq'): CollectedMessage<T>[] {
    const topic = this.topic(name);
    return this.collected.filter((message) => message.topic === topic) as CollectedMessage<T>[];
  }

  /**
   * Waits until every event has a record with one of `statuses` (of one
   * destination, when given), then returns the records of those events.
   */
  async settled(
    eventIds: Set<string>,
    {
      statuses = ['delivered', 'filtered', 'failed'],
      destinationId,
      timeoutMs = 30_000,
    }: SettleOptions = {},
  ): Promise<DeliveryValue[]> {
    const mine = () =>
      this.deliveries(eventIds).filter(
        (record) => destinationId === undefined || record.destinationId === destinationId,
      );
    return waitFor(
      `final records of ${eventIds.size} events`,
      () => {
        const done = new Set(
          mine()
            .filter((record) => statuses.includes(record.status))
            .map((record) => record.eventId),
        );
        return done.size === eventIds.size && mine();
      },
      { timeoutMs },
    );
  }
}

export interface SettleOptions {
  statuses?: DeliveryValue['status'][];
  destinationId?: string;
  timeoutMs?: number;
}

export interface DeliveryValue {
  eventId: string;
  destinationId: string;
  partner: string;
  status: 'delivered' | 'retrying' | 'failed' | 'filtered';
  httpStatus: number | null;
  attempts: number;
  latencyMs: number | null;
  reason: string | null;
  request?: unknown;
}

function stringHeaders(headers: IHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      result[name] = Array.isArray(value) ? value.join(',') : value.toString();
  }
  return result;
}

/** Event ids found in the requests a partner received (webhook: one per request). */
export function webhookEventIds(requests: { headers: Record<string, string> }[]): string[] {
  return requests.map((request) => request.headers['webhook-id']);
}
