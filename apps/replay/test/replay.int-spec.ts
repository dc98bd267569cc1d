import pino from 'pino';
import { createKafkaClient, ensurePipelineTopics } from '@tagrelay/kafka';
import { createTestContext, TestContext } from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';

describe('replay inspect', () => {
  let context: TestContext;

  beforeAll(() => {
    context = createTestContext();
  });

  afterAll(async () => {
    await context.cleanup();
  });

  it('shows each pipeline topic with its kept offsets', async () => {
    const config = context.config('replay');
    const logger = pino({ level: 'warn' });
    const kafka = createKafkaClient(config.kafka, logger);
    await ensurePipelineTopics(kafka, config.kafka, logger);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${context.topicPrefix}hits.web`,
      messages: [{ key: 'a', value: '1', partition: 1 }],
    });
    await producer.disconnect();
    const lines: string[] = [];

    await bootstrap(['inspect'], { env: context.env(), out: (line) => lines.push(line) });

    expect(lines).toHaveLength(14);
    expect(lines).toContain(`${context.topicPrefix}hits.server: 0 messages [0:0-0 1:0-0 2:0-0]`);
    expect(lines).toContain(`${context.topicPrefix}hits.web: 1 messages [0:0-0 1:0-1 2:0-0]`);
  });
});
