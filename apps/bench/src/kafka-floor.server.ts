/* eslint-disable no-restricted-properties -- a stand-alone benchmark server, outside the services */
import Fastify from 'fastify';
import pino from 'pino';
import { loadConfigFromProcess } from '@tagrelay/config';
import { PIPELINE_TOPICS, topicName } from '@tagrelay/contracts';
import { BatchingProducer, createKafkaClient } from '@tagrelay/kafka';

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
  const address = await app.listen({ port: Number(process.env.HTTP_PORT ?? 0), host: '127.0.0.1' });
  process.stdout.write(`listening ${address}\n`);
}

/** An envelope of the benchmark's purchase hit, as ingest writes it. */
const ENVELOPE = JSON.stringify({
  v: 1,
  kind: 'server',
  eventId: 'EVENT_ID',
  siteId: 'shop',
  containerId: 'web',
  receivedAt: '2026-12-04T12:00:00.000Z',
  ip: '127.0.0.0',
  userAgent: 'autocannon',
  variables: {
    event: 'purchase',
    user_id: 'u-4f1c2b7e-91aa-4c55-b0a7-7d1f9c2e8a11',
    basket_id: 'b-20261204-88812',
    order_id: 'ORD-2026-000123456',
    amount: 129.9,
    currency: 'EUR',
    email: 'jane.doe@example.com',
    page_url: 'https://shop.example/checkout/confirmation?step=3&utm_source=newsletter',
    items: [
      { sku: 'SKU-12345', name: 'Running shoes', price: 89.9, quantity: 1 },
      { sku: 'SKU-67890', name: 'Sport socks (3 pairs)', price: 20, quantity: 2 },
    ],
    coupon: 'WINTER10',
    shipping: 'express',
  },
  keys: { user_id: 'u-4f1c2b7e-91aa-4c55-b0a7-7d1f9c2e8a11' },
});

void main();
