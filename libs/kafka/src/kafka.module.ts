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
import { BatchingProducer } from './batching.producer';
import { createKafkaClient } from './kafka.client';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/**
 * The service's Kafka client and its one shared, batching producer. Readiness
 * follows the producer: a service that cannot write to the broker is not ready.
 */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(): DynamicModule {
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
        KafkaLifecycle,
      ],
      exports: [KAFKA_CLIENT, BatchingProducer],
    };
  }
}

class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(BatchingProducer) private readonly producer: BatchingProducer,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register({ name: 'kafka', isHealthy: () => this.producer.healthy });
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}
