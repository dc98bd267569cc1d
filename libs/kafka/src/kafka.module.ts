import {
  DynamicModule,
  Global,
  Inject,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { HealthRegistry } from '@tagrelay/runtime';
import { topicName } from '@tagrelay/contracts';
import { BatchingProducer } from './batching.producer';
import { BrokerProbe } from './broker.probe';
import { createKafkaClient } from './kafka.client';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

export interface KafkaModuleOptions {
  /** Topics (relative names) the service writes: readiness needs their leaders. */
  writesTo?: string[];
}

/**
 * The service's Kafka client and its one shared, batching producer. A service
 * is ready only while the broker answers and the topics it writes have leaders.
 */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions = {}): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KAFKA_CLIENT,
          inject: [APP_CONFIG, PinoLogger],
          useFactory: (config: AppConfig, logger: PinoLogger) =>
            createKafkaClient(config.kafka, logger.logger),
        },
        {
          provide: BatchingProducer,
          inject: [KAFKA_CLIENT, APP_CONFIG, PinoLogger],
          useFactory: (kafka: Kafka, config: AppConfig, logger: PinoLogger) =>
            new BatchingProducer(kafka, config.kafka.producer, logger.logger),
        },
        {
          provide: BrokerProbe,
          inject: [KAFKA_CLIENT, APP_CONFIG],
          useFactory: (kafka: Kafka, config: AppConfig) =>
            new BrokerProbe(
              kafka,
              (options.writesTo ?? []).map((topic) => topicName(config.kafka.topicPrefix, topic)),
            ),
        },
        KafkaLifecycle,
      ],
      exports: [KAFKA_CLIENT, BatchingProducer],
    };
  }
}

class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(BatchingProducer) private readonly producer: BatchingProducer,
    @Inject(BrokerProbe) private readonly probe: BrokerProbe,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register({ name: 'kafka', isHealthy: () => this.probe.check() });
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
    await this.probe.close();
  }
}
