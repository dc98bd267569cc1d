import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { BatchConsumer, BatchingProducer, ensureTopics, ok } from '@tagrelay/kafka';
import { waitFor } from '@tagrelay/testing';
import { benchEnvironment, percentile, printTable, round } from './bench-support';

const logger = pino({ level: 'warn' });

/**
 * The pipeline's Kafka building blocks on this machine: produce() calls of one
 * message each from many concurrent callers (as ingest makes them), acks=all,
 * then the same messages consumed and committed through BatchConsumer.
 * Usage: npm run bench -- kafka [messages=100000] [concurrency=256]
 */
export async function run(args: string[]): Promise<void> {
  const total = Number(args[0] ?? 100_000);
  const concurrency = Number(args[1] ?? 256);
  const env = await benchEnvironment();
  const kafka = new Kafka({
    brokers: env.servers.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const topic = `${env.topicPrefix}bench`;
  await ensureTopics(
    kafka,
    [topic],
    { partitions: 6, replicationFactor: 1, retentionMs: 3_600_000 },
    logger,
  );
  const value = JSON.stringify({ pad: 'x'.repeat(480) });

  const producer = new BatchingProducer(
    kafka,
    {
      lingerMs: 2,
      maxBatchMessages: 2000,
      maxBatchBytes: 512 * 1024,
      maxQueuedMessages: 100_000,
      ackTimeoutMs: 10_000,
    },
    logger,
  );
  await producer.connect();
  const latencies: number[] = [];
  let next = 0;
  const produceStarted = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const seq = next++;
        const started = performance.now();
        await producer.produce(topic, [{ key: `visitor-${seq % 10_000}`, value }]);
        latencies.push(performance.now() - started);
      }
    }),
  );
  const produceSeconds = (performance.now() - produceStarted) / 1000;
  await producer.disconnect();

  let consumed = 0;
  const consumer = new BatchConsumer(
    kafka,
    producer,
    { maxBatchBytes: 10 * 1024 * 1024, sessionTimeoutMs: 30_000, retryMaxMs: 1000 },
    {
      groupId: `${env.topicPrefix}bench`,
      topics: [topic],
      partitionsConsumedConcurrently: 3,
      deadLetterTopic: (source) => `${source}.dlq`,
      handler: async (messages) => {
        consumed += messages.length;
        return messages.map(ok);
      },
    },
    logger,
  );
  const consumeStarted = performance.now();
  await consumer.start();
  await waitFor('every message consumed', () => consumed >= total, {
    timeoutMs: 300_000,
    intervalMs: 20,
  });
  const consumeSeconds = (performance.now() - consumeStarted) / 1000;
  await consumer.stop();

  printTable(
    `Kafka on ${env.servers.kafkaBrokers} (${env.servers.source}), ${total} messages of ${value.length} B`,
    [
      {
        step: 'produce (1 msg per call, acks=all)',
        concurrency,
        'msgs/s': Math.round(total / produceSeconds),
        'p50 ms': round(percentile(latencies, 50)),
        'p99 ms': round(percentile(latencies, 99)),
      },
      {
        step: 'consume + commit per batch',
        concurrency: 3,
        'msgs/s': Math.round(total / consumeSeconds),
        'p50 ms': '-',
        'p99 ms': '-',
      },
    ],
  );
  await env.cleanup();
}
