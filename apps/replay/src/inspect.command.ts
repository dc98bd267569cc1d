import { allPipelineTopics, topicName } from '@tagrelay/contracts';
import { createKafkaClient, retryWhileLeadersMove } from '@tagrelay/kafka';
import { CliCommand } from '@tagrelay/runtime';

/**
 * Shows what a replay can read: each pipeline topic's partitions with their
 * oldest and next offsets and the number of messages kept.
 */
export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'show the offsets kept in each pipeline topic',
  async run({ config, logger, out }) {
    const admin = createKafkaClient(config.kafka, logger).admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      for (const relative of allPipelineTopics()) {
        const topic = topicName(config.kafka.topicPrefix, relative);
        if (!existing.has(topic)) {
          out(`${topic}: missing`);
          continue;
        }
        const offsets = await retryWhileLeadersMove(() => admin.fetchTopicOffsets(topic));
        const kept = offsets.reduce(
          (sum, entry) => sum + (Number(entry.high) - Number(entry.low)),
          0,
        );
        const partitions = offsets
          .sort((a, b) => a.partition - b.partition)
          .map((entry) => `${entry.partition}:${entry.low}-${entry.high}`);
        out(`${topic}: ${kept} messages [${partitions.join(' ')}]`);
      }
    } finally {
      await admin.disconnect();
    }
  },
};
