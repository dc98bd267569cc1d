/* eslint-disable no-restricted-properties -- reads what global-setup.ts handed over */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import pino from 'pino';
import { AppConfig, EnvSource, loadConfig, ServiceName } from '@tagrelay/config';
import { createKafkaClient, ensurePipelineTopics } from '@tagrelay/kafka';

/** Every name a test creates carries this marker; destructive helpers check it. */
export const TEST_MARKER = 'test';

export interface TestContext {
  /** Unique per test file, e.g. `test.k3f9a1.`: topics never collide. */
  topicPrefix: string;
  /** Unique per test file, e.g. `tagrelay_test_k3f9a1`. */
  database: string;
  kafkaBrokers: string;
  mongodbUri: string;
  /** Environment for a service under test (add overrides as needed). */
  env(overrides?: EnvSource): EnvSource;
  config(service: ServiceName, overrides?: EnvSource): AppConfig;
  /** Creates every pipeline topic under this context's prefix. */
  createTopics(): Promise<void>;
  /** Drops the database and deletes the topics of this context. */
  cleanup(): Promise<void>;
}

/**
 * A topic prefix and a database of its own for one test file, on the shared
 * servers or on `servers` (e.g. `startPrivateServers()` for fault tests).
 */
export function createTestContext(servers?: {
  kafkaBrokers: string;
  mongodbUri: string;
}): TestContext {
  const KAFKA_BROKERS = servers?.kafkaBrokers ?? process.env.KAFKA_BROKERS;
  const MONGODB_URI = servers?.mongodbUri ?? process.env.MONGODB_URI;
  if (!KAFKA_BROKERS || !MONGODB_URI) {
    throw new Error(
      'KAFKA_BROKERS / MONGODB_URI are not set: run integration tests through jest (global setup)',
    );
  }
  const id = randomBytes(4).toString('hex');
  const topicPrefix = `${TEST_MARKER}.${id}.`;
  const database = `tagrelay_${TEST_MARKER}_${id}`;
  const env = (overrides: EnvSource = {}): EnvSource => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    KAFKA_BROKERS,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_TOPIC_PARTITIONS: '3',
    MONGODB_URI,
    MONGODB_DATABASE: database,
    ...overrides,
  });
  return {
    topicPrefix,
    database,
    kafkaBrokers: KAFKA_BROKERS,
    mongodbUri: MONGODB_URI,
    env,
    config: (service, overrides) => loadConfig(service, env(overrides)),
    createTopics: async () => {
      const config = loadConfig('admin', env());
      const logger = pino({ level: 'warn' });
      await ensurePipelineTopics(createKafkaClient(config.kafka, logger), config.kafka, logger);
    },
    cleanup: async () => {
      await Promise.all([
        dropTestDatabase(MONGODB_URI, database),
        deleteTestTopics(KAFKA_BROKERS, topicPrefix),
      ]);
    },
  };
}

export async function dropTestDatabase(uri: string, database: string): Promise<void> {
  assertTestName(database);
  const connection = await mongoose.createConnection(uri, { dbName: database }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

export async function deleteTestTopics(brokers: string, prefix: string): Promise<void> {
  assertTestName(prefix);
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

function assertTestName(name: string): void {
  if (!name.includes(TEST_MARKER)) {
    throw new Error(
      `refusing to delete "${name}": its name lacks the test marker "${TEST_MARKER}"`,
    );
  }
}
