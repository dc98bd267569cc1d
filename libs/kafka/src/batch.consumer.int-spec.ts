import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { createTestContext, readTopic, TestContext, waitFor } from '@tagrelay/testing';
import { BatchConsumer } from './batch.consumer';
import { BatchingProducer } from './batching.producer';
import { ConsumedMessage, deadLetter, HandlerOutcome, ok } from './handler-outcome';
import { ProducerBackpressureError } from './produce-errors';
import { ensureTopics } from './topic.admin';

const logger = pino({ level: 'warn' });
const TOTAL = 10_000;

describe(BatchConsumer.name, () => {
  let context: TestContext;
  let kafka: Kafka;
  let producer: BatchingProducer;
  const consumers: BatchConsumer[] = [];

  const consumerConfig = { maxBatchBytes: 256 * 1024, sessionTimeoutMs: 10_000, retryMaxMs: 400 };
  const producerConfig = {
    lingerMs: 2,
    maxBatchMessages: 500,
    maxBatchBytes: 512 * 1024,
    maxQueuedMessages: 20_000,
    ackTimeoutMs: 10_000,
  };

  const startConsumer = async (
    topic: string,
    groupId: string,
    handler: (m: ConsumedMessage[]) => Promise<HandlerOutcome[]>,
  ) => {
    const sut = new BatchConsumer(
      kafka,
      producer,
      consumerConfig,
      { groupId, topics: [topic], handler, deadLetterTopic: (source) => `${source}.dlq` },
      logger,
    );
    consumers.push(sut);
    await sut.start();
    return sut;
  };

  const createTopic = async (name: string, partitions = 3) => {
    const topic = `${context.topicPrefix}${name}`;
    await ensureTopics(
      kafka,
      [topic, `${topic}.dlq`],
      { partitions, replicationFactor: 1, retentionMs: 3_600_000 },
      logger,
    );
    return topic;
  };

  beforeAll(async () => {
    context = createTestContext();
    kafka = new Kafka({
      brokers: context.kafkaBrokers.split(','),
      clientId: 'test',
      logLevel: logLevel.NOTHING,
    });
    producer = new BatchingProducer(kafka, producerConfig, logger);
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await context.cleanup();
  });

  it('consumes 10,000 messages through a group and resumes exactly after the committed offsets', async () => {
    const topic = await createTopic('stream');
    const groupId = `${context.topicPrefix}group`;
    await Promise.all(
      Array.from({ length: TOTAL / 100 }, (_, call) =>
        producer.produce(
          topic,
          Array.from({ length: 100 }, (_, i) => {
            const seq = call * 100 + i;
            return { key: `visitor-${seq % 97}`, value: String(seq) };
          }),
        ),
      ),
    );

    const firstRun: ConsumedMessage[] = [];
    const first = await startConsumer(topic, groupId, async (messages) => {
      firstRun.push(...messages);
      return messages.map(ok);
    });
    await waitFor('the first consumer to handle 3,000 messages', () => firstRun.length >= 3000);
    await first.stop();

    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    const handledUpTo = new Map<number, bigint>();
    for (const message of firstRun) {
      const next = BigInt(message.offset) + 1n;
      if (next > (handledUpTo.get(message.partition) ?? 0n))
        handledUpTo.set(message.partition, next);
    }
    for (const { partition, offset } of committed.partitions) {
      // Every handled batch was committed, and nothing beyond what was handled.
      expect(BigInt(offset === '-1' ? '0' : offset)).toBe(handledUpTo.get(partition) ?? 0n);
    }

    const secondRun: ConsumedMessage[] = [];
    await startConsumer(topic, groupId, async (messages) => {
      secondRun.push(...messages);
      return messages.map(ok);
    });
    await waitFor(
      'all messages to be consumed',
      () => firstRun.length + secondRun.length >= TOTAL,
      { timeoutMs: 60_000 },
    );

    for (const { partition, offset } of committed.partitions) {
      const resumedAt = secondRun.find((message) => message.partition === partition)?.offset;
      if (resumedAt !== undefined) expect(resumedAt).toBe(offset === '-1' ? '0' : offset);
    }
    const values = [...firstRun, ...secondRun].map((message) => Number(message.value!.toString()));
    expect(values).toHaveLength(TOTAL);
    expect(new Set(values).size).toBe(TOTAL);
  });

  it('parks a poison message in the dead-letter topic with its reason, and the stream goes on', async () => {
    const topic = await createTopic('poison', 1);
    await producer.produce(topic, [
      { key: 'a', value: '{"good":1}' },
      { key: 'b', value: 'not json' },
      { key: 'c', value: '{"good":2}' },
    ]);
    const handled: string[] = [];
    await startConsumer(topic, `${context.topicPrefix}poison-group`, async (messages) =>
      messages.map((message) => {
        try {
          JSON.parse(message.value!.toString());
          handled.push(message.value!.toString());
          return ok();
        } catch (error) {
          return deadLetter('parse', (error as Error).message);
        }
      }),
    );

    const parked = await readAll(kafka, `${topic}.dlq`, 1);

    expect(parked[0].key?.toString()).toBe('b');
    expect(parked[0].value?.toString()).toBe('not json');
    expect(parked[0].headers?.['tagrelay-step']?.toString()).toBe('parse');
    expect(parked[0].headers?.['tagrelay-error']?.toString()).toMatch(/JSON/);
    expect(parked[0].headers?.['tagrelay-source-topic']?.toString()).toBe(topic);
    expect(parked[0].headers?.['tagrelay-source-offset']?.toString()).toBe('1');
    await waitFor('both good messages', () => handled.length === 2);
    expect(handled).toEqual(['{"good":1}', '{"good":2}']);
  });

  it('retries a failing batch without committing past it, then goes on', async () => {
    const topic = await createTopic('flaky', 1);
    await producer.produce(
      topic,
      [1, 2, 3].map((n) => ({ key: 'k', value: String(n) })),
    );
    const groupId = `${context.topicPrefix}flaky-group`;
    let attempts = 0;
    const handled: string[] = [];
    const sut = await startConsumer(topic, groupId, async (messages) => {
      attempts++;
      if (attempts <= 3) throw new Error('store is down');
      handled.push(...messages.map((message) => message.value!.toString()));
      return messages.map(ok);
    });

    await waitFor('the batch to succeed after retries', () => handled.length === 3);

    expect(attempts).toBeGreaterThanOrEqual(4);
    expect(sut.stats.retries).toBeGreaterThanOrEqual(3);
    const admin = kafka.admin();
    await admin.connect();
    await waitFor('the commit', async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets.partitions[0].offset === '3';
    });
    await admin.disconnect();
  });
});

describe(BatchingProducer.name, () => {
  /** A producer with these settings on a fresh one-partition topic of this test. */
  async function producerOnNewTopic(
    name: string,
    settings: ConstructorParameters<typeof BatchingProducer>[1],
  ) {
    const context = createTestContext();
    const kafka = new Kafka({
      brokers: context.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const topic = `${context.topicPrefix}${name}`;
    await ensureTopics(
      kafka,
      [topic],
      { partitions: 1, replicationFactor: 1, retentionMs: 3_600_000 },
      logger,
    );
    const sut = new BatchingProducer(kafka, settings, logger);
    await sut.connect();
    return {
      sut,
      topic,
      brokers: context.kafkaBrokers,
      close: async () => {
        await sut.disconnect();
        await context.cleanup();
      },
    };
  }

  it('splits a call larger than the broker accepts into ordered requests', async () => {
    const { sut, topic, brokers, close } = await producerOnNewTopic('large', {
      lingerMs: 2,
      maxBatchMessages: 10_000,
      maxBatchBytes: 256 * 1024,
      maxQueuedMessages: 10_000,
      ackTimeoutMs: 10_000,
    });
    try {
      // 3 MiB to one partition in one call: three times message.max.bytes.
      const messages = Array.from({ length: 300 }, (_, i) => ({
        key: 'one-visitor',
        value: `${i}:${'x'.repeat(10 * 1024)}`,
      }));

      await sut.produce(topic, messages);

      const read = await readTopic<string>(brokers, topic, 300);
      expect(read.map((message) => Number(message.value.split(':')[0]))).toEqual(
        messages.map((_, i) => i),
      );
    } finally {
      await close();
    }
  });

  it('rejects at once with a backpressure error when its queue is full', async () => {
    const { sut, topic, close } = await producerOnNewTopic('bounded', {
      lingerMs: 50,
      maxBatchMessages: 1000,
      maxBatchBytes: 512 * 1024,
      maxQueuedMessages: 10,
      ackTimeoutMs: 5000,
    });
    try {
      const accepted = sut.produce(
        topic,
        Array.from({ length: 8 }, () => ({ key: null, value: 'x' })),
      );
      const refused = sut.produce(
        topic,
        Array.from({ length: 5 }, () => ({ key: null, value: 'y' })),
      );

      await expect(refused).rejects.toBeInstanceOf(ProducerBackpressureError);
      await expect(accepted).resolves.toBeUndefined();
      expect(sut.queued).toBe(0);
    } finally {
      await close();
    }
  });
});

async function readAll(kafka: Kafka, topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: `${topic}.reader` });
  const seen: import('kafkajs').KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  try {
    await waitFor(`${count} messages in ${topic}`, () => seen.length >= count);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
