import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';

/** Injection token of the whole `AppConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Makes an already loaded configuration injectable. Loading happens in
 * `bootstrap()` before Nest starts, so a bad value stops the process with the
 * variable's name before anything connects anywhere.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
