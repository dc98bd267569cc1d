/* eslint-disable no-console -- a benchmark prints its numbers */
import pino from 'pino';
import { register } from 'prom-client';
import { loadConfig } from '@tagrelay/config';
import { HIT_ENVELOPE_VERSION, PIPELINE_TOPICS, topicName } from '@tagrelay/contracts';
import {
  BatchConsumer,
  BatchingProducer,
  createKafkaClient,
  ensurePipelineTopics,
  ensureTopics,
  ok,
} from '@tagrelay/kafka';
import { connectMongo, WebDataRepository } from '@tagrelay/store';
import { seedConfig, testSite, waitFor } from '@tagrelay/testing';
import { bootstrap } from '../../enrichment/src/bootstrap';
import { EnrichmentConsumer } from '../../enrichment/src/consumer/enrichment.consumer';
import { benchEnvironment, printTable, round } from './bench-support';

const logger = pino({ level: 'warn' });
const PARTITIONS = 6;

/**
 * `npm run bench -- enrichment [keys=100000] [partitionsConcurrently=4]`: the
 * store holds the web data of `keys` visitors (written directly, untimed), as
 * after a day of traffic; the backlog is a 50/50 mix of one server hit for
 * each of those visitors (to join) and one web hit for each of `keys` new
 * visitors (to store), all on the broker before the runs. Then (a) a plain
 * consume-and-produce passthrough over the same topics (server hits copied to
 * another topic, web hits consumed) and (b) the enrichment service, one
 * process. Each run is timed from its group's start to the commit of the last
 * hit. The ratio is what the join costs.
 */
export async function run(args: string[]): Promise<void> {
  const keys = Number(args[0] ?? 100_000);
  const concurrency = Number(args[1] ?? 4);
  const env = await benchEnvironment();
  const serviceEnv = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    KAFKA_BROKERS: env.servers.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: env.topicPrefix,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    MONGODB_URI: env.servers.mongodbUri,
    MONGODB_DATABASE: env.database,
    ENRICHMENT_PARTITIONS_CONCURRENTLY: String(concurrency),
    // TRICKY: on FerretDB one read of 100,000+ documents takes longer than the
    // default 30 s session, and kafkajs sends no heartbeat while a batch is
    // being handled: the group would keep evicting the process mid-batch.
    KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '300000',
  };
  const config = loadConfig('admin', serviceEnv);
  const kafka = createKafkaClient(config.kafka, logger);
  const passthroughTopic = `${env.topicPrefix}bench.passthrough`;
  await ensurePipelineTopics(kafka, config.kafka, logger);
  await ensureTopics(kafka, [passthroughTopic], config.kafka.topics, logger);
  await seedConfig({ uri: env.servers.mongodbUri, database: env.database }, [testSite()]);
  const producer = new BatchingProducer(kafka, config.kafka.producer, logger);
  await producer.connect();
  try {
    await storeVisitors(env.servers.mongodbUri, env.database, keys);
    const written = await writeHits(producer, env.topicPrefix, keys);
    const total = keys * 2;

    // Each run is timed from its consumer's start (group joined) to the last commit.
    const passthrough = await timed(async (clock) => {
      const consumer = new BatchConsumer(
        kafka,
        producer,
        config.kafka.consumer,
        {
          groupId: `${env.topicPrefix}bench.passthrough`,
          topics: [PIPELINE_TOPICS.webHits, PIPELINE_TOPICS.serverHits].map((t) =>
            topicName(env.topicPrefix, t),
          ),
          partitionsConsumedConcurrently: concurrency,
          deadLetterTopic: (source) => `${source}.dlq`,
          handler: async (messages) => {
            if (messages[0].topic.endsWith(PIPELINE_TOPICS.serverHits)) {
              await producer.produce(
                passthroughTopic,
                messages.map((m) => ({ key: m.key?.toString() ?? null, value: m.value ?? '' })),
              );
            }
            return messages.map(ok);
          },
        },
        logger,
      );
      await consumer.start();
      clock.start();
      await waitFor('the passthrough to commit every hit', () => consumer.stats.messages >= total, {
        timeoutMs: 3_600_000,
        intervalMs: 20,
      });
      clock.stop();
      await consumer.stop();
    });

    const enrichment = await timed(async (clock) => {
      const service = await bootstrap(serviceEnv);
      clock.start();
      const consumer = service.app.get(EnrichmentConsumer).consumer;
      await waitFor('the enrichment to commit every hit', () => consumer.stats.messages >= total, {
        timeoutMs: 3_600_000,
        intervalMs: 20,
      });
      clock.stop();
      await service.close();
    });

    const results = await metricValues('tagrelay_enrichment_events_total');
    const matched = results.find((v) => v.labels.result === 'matched')?.value ?? 0;
    const rows = [
      {
        run: 'passthrough (consume + produce)',
        'events/s': Math.round(total / passthrough.seconds),
        seconds: round(passthrough.seconds),
      },
      {
        run: 'enrichment (merge + join + produce)',
        'events/s': Math.round(total / enrichment.seconds),
        seconds: round(enrichment.seconds),
      },
    ];
    printTable(
      `${written.server} server hits of ${keys} stored visitors + ${written.web} web hits of new ones, ` +
        `${PARTITIONS} partitions, ` +
        `${concurrency} partitions at a time; Kafka ${env.servers.kafkaBrokers}, store ${env.servers.mongodbUri}`,
      rows,
    );
    console.log(
      `ratio enrichment/passthrough: ${round(passthrough.seconds / enrichment.seconds, 3)}`,
    );
    console.log(
      `match rate: ${round((100 * matched) / keys, 1)}% (${results.map((v) => `${v.labels.result} ${v.value}`).join(', ')})`,
    );
    printTable('store calls of the enrichment run', await storeProfile());
  } finally {
    await producer.disconnect();
    await env.cleanup();
  }
}

/** The web data of visitors 0 … keys-1, as their web hits an hour ago left it. */
async function storeVisitors(uri: string, database: string, keys: number): Promise<void> {
  const connection = await connectMongo({ uri, database });
  try {
    const webData = new WebDataRepository(connection);
    const at = new Date(Date.now() - 3_600_000);
    const stamp = <T>(value: T) => ({ at, value });
    for (let start = 0; start < keys; start += 5000) {
      const visitors = Array.from({ length: Math.min(5000, keys - start) }, (_, j) => start + j);
      await webData.merge(
        visitors.map((i) => ({
          key: { siteId: 'shop', name: 'user_id', value: `visitor-${i}` },
          cookies: { _fbp: stamp(`fb.1.1733300000000.${i}`), _ga: stamp(`GA1.1.${i}.1733300000`) },
          variables: { page_type: stamp('product') },
          consent: { marketing: stamp(true), analytics: stamp(true) },
          page: { at, url: `https://shop.example/product/${i % 500}`, referrer: null },
          collectedAt: at,
          expiresAt: new Date(at.getTime() + 86_400_000),
        })),
        new Date(),
      );
    }
  } finally {
    await connection.close();
  }
}

/**
 * On the broker before either run starts, so both read the same backlog:
 * server hits of the stored visitors, web hits of as many new visitors.
 */
async function writeHits(producer: BatchingProducer, prefix: string, keys: number) {
  const webTopic = topicName(prefix, PIPELINE_TOPICS.webHits);
  const serverTopic = topicName(prefix, PIPELINE_TOPICS.serverHits);
  const receivedAt = new Date().toISOString();
  const common = (visitor: number, kind: string) => ({
    v: HIT_ENVELOPE_VERSION,
    eventId: `${kind}-${visitor}`,
    siteId: 'shop',
    containerId: 'web',
    receivedAt,
    ip: '203.0.113.0',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
    keys: { user_id: `visitor-${visitor}` },
  });
  const chunk = 1000;
  for (let start = 0; start < keys; start += chunk) {
    const ids = Array.from({ length: Math.min(chunk, keys - start) }, (_, j) => start + j);
    await Promise.all([
      producer.produce(
        webTopic,
        ids
          .map((i) => keys + i)
          .map((visitor) => ({
            key: `shop:visitor-${visitor}`,
            value: JSON.stringify({
              ...common(visitor, 'web'),
              kind: 'web',
              variables: { page_type: 'product', user_id: `visitor-${visitor}` },
              cookies: {
                _fbp: `fb.1.1733300000000.${visitor}`,
                _ga: `GA1.1.${visitor}.1733300000`,
              },
              consent: { marketing: true, analytics: true },
              page: {
                url: `https://shop.example/product/${visitor % 500}`,
                referrer: 'https://www.google.com/',
              },
            }),
          })),
      ),
      producer.produce(
        serverTopic,
        ids.map((visitor) => ({
          key: `shop:visitor-${visitor}`,
          value: JSON.stringify({
            ...common(visitor, 'server'),
            kind: 'server',
            variables: {
              event: 'purchase',
              user_id: `visitor-${visitor}`,
              order_id: `ORD-${visitor}`,
              amount: 129.9,
              currency: 'EUR',
              items: [{ sku: 'SKU-12345', price: 89.9, quantity: 1 }],
            },
          }),
        })),
      ),
    ]);
  }
  return { web: keys, server: keys };
}

async function timed(
  work: (clock: { start(): void; stop(): void }) => Promise<void>,
): Promise<{ seconds: number }> {
  let started = 0;
  let stopped = 0;
  await work({
    start: () => (started = performance.now()),
    stop: () => (stopped = performance.now()),
  });
  return { seconds: (stopped - started) / 1000 };
}

async function metricValues(name: string) {
  const metric = register.getSingleMetric(name);
  return metric ? (await metric.get()).values : [];
}

async function storeProfile() {
  const values = await metricValues('tagrelay_enrichment_store_seconds');
  const byOperation = new Map<string, { sum: number; count: number }>();
  for (const value of values) {
    const operation = String(value.labels.operation);
    const entry = byOperation.get(operation) ?? { sum: 0, count: 0 };
    // NOTE: a histogram's values carry their series name (`_sum`, `_count`, `_bucket`).
    const series = (value as { metricName?: string }).metricName ?? '';
    if (series.endsWith('_sum')) entry.sum = value.value;
    if (series.endsWith('_count')) entry.count = value.value;
    byOperation.set(operation, entry);
  }
  return [...byOperation].map(([operation, { sum, count }]) => ({
    operation,
    calls: count,
    'avg ms': round((1000 * sum) / Math.max(1, count)),
    'total s': round(sum),
  }));
}
