import { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaConfig } from '@tagrelay/config';
import { allPipelineTopics, topicName } from '@tagrelay/contracts';
import { retryWhileLeadersMove } from './leader-retry';

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  retentionMs: number;
}

/**
 * Creates the topics that do not exist yet, with the configured partitions and
 * retention; existing topics are left as they are (changing partitions would
 * move keys). Safe to run from several processes at once.
 */
export async function ensureTopics(
  kafka: Kafka,
  names: string[],
  settings: TopicSettings,
  logger: Logger,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // TRICKY: createTopics with waitForLeaders can fail with a retriable error
    // although the topic was created; the retry lists again and creates only
    // what is still missing.
    return await retryWhileLeadersMove(async () => {
      const existing = new Set(await admin.listTopics());
      const missing = names.filter((name) => !existing.has(name));
      if (missing.length === 0) return [];
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: settings.partitions,
          replicationFactor: settings.replicationFactor,
          configEntries: [{ name: 'retention.ms', value: String(settings.retentionMs) }],
        })),
      });
      logger.info({ topics: missing }, 'topics created');
      return missing;
    });
  } finally {
    await admin.disconnect();
  }
}

/** Every pipeline topic, created with the deployment's settings. */
export function ensurePipelineTopics(
  kafka: Kafka,
  config: Pick<KafkaConfig, 'topicPrefix' | 'topics'>,
  logger: Logger,
): Promise<string[]> {
  return ensureTopics(
    kafka,
    allPipelineTopics().map((name) => topicName(config.topicPrefix, name)),
    config.topics,
    logger,
  );
}
