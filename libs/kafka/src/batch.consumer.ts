import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaConfig } from '@tagrelay/config';
import { FatalError } from '@tagrelay/contracts';
import { BatchingProducer } from './batching.producer';
import { BatchHandler, ConsumedMessage, HandlerOutcome } from './handler-outcome';

export interface BatchConsumerOptions {
  groupId: string;
  /** Full topic names (with prefix). */
  topics: string[];
  handler: BatchHandler;
  /** Full name of the dead-letter topic for a message of `sourceTopic`. */
  deadLetterTopic: (sourceTopic: string) => string;
  /** Partitions handled at the same time by this process. */
  partitionsConsumedConcurrently?: number;
  /** Start from the beginning when the group has no committed offset. */
  fromBeginning?: boolean;
}

export interface BatchConsumerStats {
  batches: number;
  messages: number;
  deadLettered: number;
  dropped: number;
  retries: number;
}

const RETRY_BASE_MS = 100;

/**
 * The one Kafka consumer of the pipeline; apps only supply a batch handler.
 *
 * - Commits the highest handled offset + 1 per partition, only after every
 *   message of the batch has an outcome (handled, dead-lettered or dropped).
 *   Nothing is auto-committed, so a process killed at any point re-reads what
 *   it had not finished: at-least-once.
 * - A batch that fails (the handler throws, or returns `retry`, or the
 *   dead-letter write fails) is tried again with exponential backoff while the
 *   consumer keeps its partitions (heartbeats continue); nothing past it is
 *   committed. On rebalance or shutdown the attempt is abandoned uncommitted.
 * - Backpressure is natural: the next batch of a partition is fetched only
 *   after the handler finished the current one.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly log: Logger;
  private running = false;
  private crashed: Error | null = null;
  private failingSince: number | null = null;
  readonly stats: BatchConsumerStats = {
    batches: 0,
    messages: 0,
    deadLettered: 0,
    dropped: 0,
    retries: 0,
  };

  constructor(
    kafka: Kafka,
    private readonly deadLetters: BatchingProducer,
    private readonly config: Pick<KafkaConfig, 'consumer'>['consumer'],
    private readonly options: BatchConsumerOptions,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'batch-consumer', groupId: options.groupId });
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(config.sessionTimeoutMs / 3)),
      maxBytes: config.maxBatchBytes,
      allowAutoTopicCreation: false,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart) {
        this.crashed = payload.error;
        // NOTE: a consumer that will not restart leaves a live but useless
        // process; rethrow so the fatal handlers end it and it is restarted.
        setImmediate(() => {
          throw payload.error;
        });
      }
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Waits for the batch in hand to finish (or be abandoned), then leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }

  /** Healthy while running and no batch has been failing for long. */
  get healthy(): boolean {
    return this.running && this.crashed === null && this.failingSince === null;
  }

  /** Committed offsets of the group, for tests and lag metrics. */
  get kafkaConsumer(): Consumer {
    return this.consumer;
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const messages = batch.messages.map((message) =>
      toConsumed(batch.topic, batch.partition, message),
    );
    let pending = messages;

    for (let attempt = 1; ; attempt++) {
      if (!payload.isRunning() || payload.isStale()) return;
      const retryable = await this.whileHeartbeating(payload, () => this.attempt(pending, attempt));
      if (retryable.length === 0) break;
      pending = retryable;
      this.stats.retries++;
      this.failingSince ??= Date.now();
      await this.backoff(attempt, payload);
    }
    this.failingSince = null;

    const last = messages[messages.length - 1];
    payload.resolveOffset(last.offset);
    // TRICKY: consumer.commitOffsets() silently does nothing once the consumer
    // is stopping, so the batch in hand at shutdown would be handled again by
    // the next owner; the batch payload's commit goes to the group directly.
    await payload.commitOffsetsIfNecessary({
      topics: [
        {
          topic: batch.topic,
          partitions: [
            { partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ],
        },
      ],
    });
    await payload.heartbeat();
    this.stats.batches++;
    this.stats.messages += messages.length;
  }

  /**
   * TRICKY: kafkajs heartbeats only between batches; a handler slower than
   * the session timeout (a slow store) would get this member evicted mid-batch
   * again and again. Heartbeat while the handler runs.
   */
  private async whileHeartbeating<T>(
    payload: EachBatchPayload,
    work: () => Promise<T>,
  ): Promise<T> {
    const every = Math.max(500, Math.floor(this.config.sessionTimeoutMs / 3));
    const timer = setInterval(() => void payload.heartbeat().catch(() => undefined), every);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /** Runs the handler once; returns the messages that must be tried again. */
  private async attempt(messages: ConsumedMessage[], attempt: number): Promise<ConsumedMessage[]> {
    let outcomes: HandlerOutcome[];
    try {
      outcomes = await this.options.handler(messages);
    } catch (error) {
      if (error instanceof FatalError) throw error;
      this.log.warn({ err: error, attempt, messages: messages.length }, 'batch failed, will retry');
      return messages;
    }
    if (outcomes.length !== messages.length) {
      throw new FatalError(
        `handler returned ${outcomes.length} outcomes for ${messages.length} messages`,
      );
    }
    const again: ConsumedMessage[] = [];
    const toDeadLetter: { message: ConsumedMessage; step: string; reason: string }[] = [];
    outcomes.forEach((outcome, index) => {
      const message = messages[index];
      if (outcome.kind === 'retry') again.push(message);
      else if (outcome.kind === 'dlq')
        toDeadLetter.push({ message, step: outcome.step, reason: outcome.reason });
      else if (outcome.kind === 'drop') {
        this.stats.dropped++;
        this.log.debug({ offset: message.offset, reason: outcome.reason }, 'message dropped');
      }
    });
    if (toDeadLetter.length > 0) {
      try {
        await this.writeDeadLetters(toDeadLetter, attempt);
      } catch (error) {
        // NOTE: an unparked poison message must not be committed past; the
        // whole subset is tried again (the handler is idempotent).
        this.log.warn({ err: error }, 'dead-letter write failed, will retry');
        return [...again, ...toDeadLetter.map((entry) => entry.message)];
      }
    }
    return again;
  }

  private async writeDeadLetters(
    entries: { message: ConsumedMessage; step: string; reason: string }[],
    attempt: number,
  ): Promise<void> {
    const byTopic = new Map<string, typeof entries>();
    for (const entry of entries) {
      const topic = this.options.deadLetterTopic(entry.message.topic);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), entry]);
    }
    await Promise.all(
      [...byTopic].map(([topic, group]) =>
        this.deadLetters.produce(
          topic,
          group.map(({ message, step, reason }) => ({
            key: message.key?.toString() ?? null,
            value: message.value ?? '',
            headers: {
              ...stringHeaders(message.headers),
              'tagrelay-error': reason.slice(0, 1000),
              'tagrelay-step': step,
              'tagrelay-source-topic': message.topic,
              'tagrelay-source-partition': String(message.partition),
              'tagrelay-source-offset': message.offset,
              'tagrelay-attempt': String(attempt),
            },
          })),
        ),
      ),
    );
    this.stats.deadLettered += entries.length;
    this.log.warn({ count: entries.length }, 'messages dead-lettered');
  }

  private async backoff(attempt: number, payload: EachBatchPayload): Promise<void> {
    const ceiling = Math.min(this.config.retryMaxMs, RETRY_BASE_MS * 2 ** Math.min(attempt, 16));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    const until = Date.now() + delay;
    // NOTE: heartbeat while waiting so the group keeps our partitions; a
    // rebalance or shutdown ends the wait early.
    while (Date.now() < until && payload.isRunning() && !payload.isStale()) {
      await sleep(Math.min(1000, until - Date.now()));
      await payload.heartbeat().catch(() => undefined);
    }
  }
}

function toConsumed(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    timestamp: message.timestamp,
  };
}

function stringHeaders(headers: ConsumedMessage['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
