import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { deadLetterTopic, PIPELINE_TOPICS, topicName } from '@tagrelay/contracts';
import { BatchConsumer, BatchingProducer, ConsumedMessage, KAFKA_CLIENT } from '@tagrelay/kafka';
import { HealthRegistry } from '@tagrelay/runtime';
import { ServerHitsHandler } from '../join/server-hits.handler';
import { WebHitsHandler } from '../join/web-hits.handler';
import { ConsumerLagMonitor } from './consumer-lag.monitor';

const LAG_INTERVAL_MS = 10_000;

/**
 * The process's one consumer, in group `<prefix>enrichment`, reading
 * `hits.web` and `hits.server`; unreadable hits go to `<topic>.dlq`. Starts
 * once the store and the configuration are ready; stops (finishing or
 * abandoning the batch in hand, uncommitted) before the producer closes.
 * Not ready while a batch keeps failing (store down).
 */
@Injectable()
export class EnrichmentConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  readonly consumer: BatchConsumer;
  readonly groupId: string;
  private readonly lag: ConsumerLagMonitor;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    producer: BatchingProducer,
    web: WebHitsHandler,
    server: ServerHitsHandler,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'kafka' | 'enrichment'>,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    logger: PinoLogger,
  ) {
    const prefix = config.kafka.topicPrefix;
    const webTopic = topicName(prefix, PIPELINE_TOPICS.webHits);
    const serverTopic = topicName(prefix, PIPELINE_TOPICS.serverHits);
    const deadLetters = new Map([
      [webTopic, topicName(prefix, deadLetterTopic(PIPELINE_TOPICS.webHits))],
      [serverTopic, topicName(prefix, deadLetterTopic(PIPELINE_TOPICS.serverHits))],
    ]);
    this.groupId = `${prefix}enrichment`;
    this.consumer = new BatchConsumer(
      kafka,
      producer,
      config.kafka.consumer,
      {
        groupId: this.groupId,
        topics: [webTopic, serverTopic],
        handler: (messages: ConsumedMessage[]) =>
          messages[0].topic === webTopic ? web.handle(messages) : server.handle(messages),
        deadLetterTopic: (source) => deadLetters.get(source) ?? `${source}.dlq`,
        partitionsConsumedConcurrently: config.enrichment.partitionsConcurrently,
      },
      logger.logger,
    );
    this.lag = new ConsumerLagMonitor(
      kafka,
      this.groupId,
      [webTopic, serverTopic],
      logger.logger.child({ module: 'consumer-lag' }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register({ name: 'consumer', isHealthy: () => this.consumer.healthy });
    await this.consumer.start();
    this.lag.start(LAG_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.lag.stop();
    await this.consumer.stop();
  }

  /** The group's lag per topic now (tests, the metric's source). */
  measureLag(): Promise<Record<string, number>> {
    return this.lag.measure();
  }
}
