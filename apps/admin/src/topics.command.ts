import { createKafkaClient, ensurePipelineTopics } from '@tagrelay/kafka';
import { CliCommand } from '@tagrelay/runtime';

/** Creates the pipeline's topics that are missing (idempotent). */
export const createTopicsCommand: CliCommand = {
  name: 'topics create',
  summary: 'create the pipeline topics that do not exist yet',
  async run({ config, logger, out }) {
    const kafka = createKafkaClient(config.kafka, logger);
    const created = await ensurePipelineTopics(kafka, config.kafka, logger);
    out(
      created.length === 0
        ? 'all topics exist'
        : `created ${created.length} topics: ${created.join(', ')}`,
    );
  },
};
