import {
  DynamicModule,
  Global,
  Inject,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Connection } from 'mongoose';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { HealthRegistry } from '@tagrelay/runtime';
import { connectMongo } from './mongo.connection';

export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');

/** The service's MongoDB connection; readiness follows it. */
@Global()
@Module({})
export class StoreModule {
  static forRoot(): DynamicModule {
    return {
      module: StoreModule,
      providers: [
        {
          provide: MONGO_CONNECTION,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => connectMongo(config.mongo),
        },
        StoreLifecycle,
      ],
      exports: [MONGO_CONNECTION],
    };
  }
}

class StoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    // NOTE: readyState 1 = connected; the driver reconnects by itself.
    this.health.register({ name: 'mongodb', isHealthy: () => this.connection.readyState === 1 });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
