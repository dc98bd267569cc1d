import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import {
  dispatchDeadLetterTopic,
  dispatchRetryTopic,
  Partner,
  PIPELINE_TOPICS,
  topicName,
} from '@tagrelay/contracts';
import { BatchConsumer, BatchingProducer, ConsumedMessage, KAFKA_CLIENT } from '@tagrelay/kafka';
import { DISPATCH_PARTNER } from '../dispatch.tokens';
import { DispatchHandler } from './dispatch.handler';
import { PartitionPauses } from './partition-pauses';

const COMMIT_GRACE_MS = 5000;

/**
 * The process's one consumer, in group `<prefix>dispatch.<partner>`, reading
 * `events.enriched` and the partner's retry topic. Unreadable events go to the
 * partner's dead-letter topic. Starts once the configuration is loaded; stops
 * (finishing or abandoning the batch in hand, uncommitted) before the
 * producer closes.
 */
@Injectable()
export class DispatchConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  readonly consumer: BatchConsumer;
  readonly groupId: string;
  private readonly pauses: PartitionPauses;
  private readonly handler: DispatchHandler;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    producer: BatchingProducer,
    handler: DispatchHandler,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'kafka' | 'dispatcher'>,
    @Inject(DISPATCH_PARTNER) partner: Partner,
    logger: PinoLogger,
  ) {
    this.handler = handler;
    const prefix = config.kafka.topicPrefix;
    const eventsTopic = topicName(prefix, PIPELINE_TOPICS.enrichedEvents);
    const retryTopic = topicName(prefix, dispatchRetryTopic(partner));
    const deadLetterTopic = topicName(prefix, dispatchDeadLetterTopic(partner));
    this.groupId = `${prefix}dispatch.${partner}`;
    this.pauses = new PartitionPauses(() => this.consumer.kafkaConsumer);
    this.consumer = new BatchConsumer(
      kafka,
      producer,
      config.kafka.consumer,
      {
        groupId: this.groupId,
        topics: [eventsTopic, retryTopic],
        handler: (messages: ConsumedMessage[]) =>
          messages[0].topic === retryTopic
            ? handler.handleParked(messages, this.pauses)
            : handler.handleEnriched(messages),
        deadLetterTopic: () => deadLetterTopic,
        partitionsConsumedConcurrently: config.dispatcher.partitionsConcurrently,
      },
      logger.logger.child({ partner }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    const finished = await this.handler.beginShutdown();
    // NOTE: the consumer commits each finished batch right after the handler
    // returns; it must do so before it stops (kafkajs skips commits after).
    const deadline = Date.now() + COMMIT_GRACE_MS;
    while (this.consumer.stats.batches < finished && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.pauses.clear();
    await this.consumer.stop();
  }
}
