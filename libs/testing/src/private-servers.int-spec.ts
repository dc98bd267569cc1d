import { Kafka, logLevel } from 'kafkajs';
import { startPrivateServers, PrivateServers } from './private-servers';
import { waitFor } from './wait-for';

describe('startPrivateServers', () => {
  let sut: PrivateServers;

  beforeAll(async () => {
    sut = await startPrivateServers();
  });

  afterAll(async () => {
    await sut?.destroy();
  });

  it('restarts its broker with the data kept', async () => {
    const kafka = new Kafka({ brokers: [sut.kafkaBrokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'test.kept', numPartitions: 1 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'test.kept', acks: -1, messages: [{ value: 'before restart' }] });
    await producer.disconnect();

    await sut.stop('kafka');
    await sut.start('kafka');

    const consumer = kafka.consumer({ groupId: 'test.reader' });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'test.kept', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(message.value!.toString()),
    });
    await waitFor('the message written before the restart', () => seen.length === 1);
    await consumer.disconnect();
    expect(seen).toEqual(['before restart']);
  });
});
