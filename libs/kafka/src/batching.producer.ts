import { CompressionTypes, Kafka, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaConfig } from '@tagrelay/config';
import { JavaCompatiblePartitioner } from './java-partitioner';
import { ProducerBackpressureError, toProduceError } from './produce-errors';

export interface OutgoingMessage {
  key: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

interface PendingRequest {
  topic: string;
  messages: OutgoingMessage[];
  /** Bytes of each message's value, measured once in `produce()`. */
  sizes: number[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Turns many small `produce()` calls into few broker requests (kafkajs has no
 * linger of its own). Each call resolves only when the broker acknowledged all
 * its messages with acks=all, so a caller that answers 2xx after `produce()`
 * never acknowledges a hit that is not on the broker.
 *
 * Bounded: at most `maxQueuedMessages` wait or are in flight; beyond that
 * `produce()` rejects at once with `ProducerBackpressureError` instead of
 * growing memory without limit.
 */
export class BatchingProducer {
  private readonly producer: Producer;
  private readonly log: Logger;
  private pending: PendingRequest[] = [];
  private pendingMessages = 0;
  private pendingBytes = 0;
  private queuedMessages = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly config: Pick<KafkaConfig, 'producer'>['producer'],
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'batching-producer' });
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      // The Java client's partitioner: a key lands where Java producers put it too.
      createPartitioner: JavaCompatiblePartitioner,
      // NOTE: bounded retries so a lost broker surfaces as an error within
      // about the ack timeout instead of hanging callers for minutes.
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /** Resolves once every message is acknowledged by all in-sync replicas. */
  produce(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    if (!this.connected)
      return Promise.reject(toProduceError(new Error('producer is not connected')));
    if (this.queuedMessages + messages.length > this.config.maxQueuedMessages) {
      return Promise.reject(new ProducerBackpressureError(this.queuedMessages));
    }
    this.queuedMessages += messages.length;
    return new Promise<void>((resolve, reject) => {
      const sizes = messages.map(sizeOf);
      this.pending.push({ topic, messages, sizes, resolve, reject });
      this.pendingMessages += messages.length;
      for (const size of sizes) this.pendingBytes += size;
      if (
        this.pendingMessages >= this.config.maxBatchMessages ||
        this.pendingBytes >= this.config.maxBatchBytes
      ) {
        this.flush();
      } else if (this.lingerTimer === null) {
        this.lingerTimer = setTimeout(() => this.flush(), this.config.lingerMs);
      }
    });
  }

  /** Messages accepted by `produce()` and not yet acknowledged or failed. */
  get queued(): number {
    return this.queuedMessages;
  }

  /** Sends what waits, waits for everything in flight, then disconnects. */
  async disconnect(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
    this.connected = false;
    await this.producer.disconnect();
  }

  private flush(): void {
    if (this.lingerTimer !== null) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    if (this.pending.length === 0) return;
    const requests = this.pending;
    this.pending = [];
    this.pendingMessages = 0;
    this.pendingBytes = 0;
    const sending = this.send(requests);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  private async send(requests: PendingRequest[]): Promise<void> {
    const count = requests.reduce((sum, request) => sum + request.messages.length, 0);
    try {
      // NOTE: in order, one request after the other: a key's messages keep
      // their order even when they span two requests.
      for (const topicMessages of this.requestsOf(requests)) {
        await this.producer.sendBatch({
          acks: -1,
          timeout: this.config.ackTimeoutMs,
          compression: CompressionTypes.None,
          topicMessages,
        });
      }
      for (const request of requests) request.resolve();
    } catch (error) {
      const mapped = toProduceError(error);
      this.log.warn({ err: mapped, messages: count }, 'produce failed');
      for (const request of requests) request.reject(mapped);
    } finally {
      this.queuedMessages -= count;
    }
  }

  /**
   * Groups messages by topic into produce requests of at most
   * `maxBatchBytes` of values. TRICKY: the broker refuses a record batch
   * larger than `message.max.bytes` (1 MiB by default), and kafkajs sends all
   * of one call's messages for a partition as one record batch.
   */
  private requestsOf(requests: PendingRequest[]): TopicMessages[][] {
    const result: TopicMessages[][] = [];
    let current = new Map<string, TopicMessages>();
    let bytes = 0;
    for (const request of requests) {
      for (let index = 0; index < request.messages.length; index++) {
        const message = request.messages[index];
        const size = request.sizes[index];
        if (bytes > 0 && bytes + size > this.config.maxBatchBytes) {
          result.push([...current.values()]);
          current = new Map();
          bytes = 0;
        }
        let entry = current.get(request.topic);
        if (!entry) {
          entry = { topic: request.topic, messages: [] };
          current.set(request.topic, entry);
        }
        entry.messages.push(message);
        bytes += size;
      }
    }
    if (bytes > 0) result.push([...current.values()]);
    return result;
  }
}

function sizeOf(message: OutgoingMessage): number {
  return typeof message.value === 'string'
    ? Buffer.byteLength(message.value)
    : message.value.length;
}
