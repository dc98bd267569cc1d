/* eslint-disable no-restricted-properties -- a stand-alone benchmark server, outside the services */
import Fastify from 'fastify';
import pino from 'pino';
import { loadConfigFromProcess } from '@tagrelay/config';
import { PIPELINE_TOPICS, topicName } from '@tagrelay/contracts';
import { BatchingProducer, createKafkaClient } from '@tagrelay/kafka';
import { purchaseHit } from './purchase-hit';

/**
 * The floor under the ingest benchmark: Fastify parses the JSON body, one
 * constant 0.8 KB envelope per request goes through the same BatchingProducer
 * (acks=all) to `hits.server`, and it answers 202. No validation, envelope,
 * authentication, rate limit or metrics: what is left between this and the
 * real ingest is the cost of the ingest's own work.
 */
async function main(): Promise<void> {
  const config = loadConfigFromProcess('ingest');
  const logger = pino({ level: 'warn' });
  const producer = new BatchingProducer(
    createKafkaClient(config.kafka, logger),
    config.kafka.producer,
    logger,
  );
  await producer.connect();
  const topic = topicName(config.kafka.topicPrefix, PIPELINE_TOPICS.serverHits);
  let next = 0;

  const app = Fastify({ bodyLimit: 1024 * 1024 });
  app.post('/v1/hit/:siteId/:containerId', async (_request, reply) => {
    const eventId = `floor-${process.pid}-${next++}`;
    await producer.produce(topic, [
      { key: `shop:${eventId}`, value: ENVELOPE.replace('EVENT_ID', eventId) },
    ]);
    return reply.code(202).send({ accepted: 1, eventIds: [eventId] });
  });
  // Exit normally on the benchmark's SIGTERM, so a `--cpu-prof` profile is written.
  process.once('SIGTERM', () => process.exit(0));
  const address = await app.listen({ port: Number(process.env.HTTP_PORT ?? 0), host: '127.0.0.1' });
  process.stdout.write(`listening ${address}\n`);
}

const HIT = purchaseHit();
/** The envelope ingest writes for the benchmark's purchase hit. */
const ENVELOPE = JSON.stringify({
  v: 1,
  kind: 'server',
  eventId: 'EVENT_ID',
  siteId: 'shop',
  containerId: 'web',
  receivedAt: '2026-12-04T12:00:00.000Z',
  ip: '127.0.0.0',
  userAgent: 'autocannon',
  variables: HIT,
  keys: { user_id: HIT.user_id },
});

void main();
