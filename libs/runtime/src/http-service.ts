import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import { collectDefaultMetrics, register } from 'prom-client';
import {
  AppConfig,
  ConfigModule,
  EnvSource,
  loadConfig,
  loadConfigFromProcess,
  ServiceName,
} from '@tagrelay/config';
import { createRootLogger, Logger } from './logger';
import { RuntimeModule } from './runtime.module';

export interface HttpServiceOptions {
  service: ServiceName;
  /** The app's root module, built from its configuration. */
  rootModule: (config: AppConfig) => Type | DynamicModule;
  /** Tests pass their own environment; processes read theirs. */
  env?: EnvSource;
  /** Largest request body the server reads, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Runs before `listen`: content-type parsers, hooks on the Fastify instance.
   * A service that registers its own body parsers here turns Nest's off.
   */
  configure?: (
    app: NestFastifyApplication,
    config: AppConfig,
    logger: Logger,
  ) => void | Promise<void>;
}

export interface RunningHttpService {
  app: INestApplication;
  config: AppConfig;
  logger: Logger;
  /** Where the service listens, e.g. `http://127.0.0.1:8080`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Boots a service: configuration first (a bad value stops it with the variable's
 * name), then Nest on Fastify with health, readiness and metrics, then listen.
 * `main.ts` and the tests go through this same function.
 */
export async function startHttpService(options: HttpServiceOptions): Promise<RunningHttpService> {
  const config = options.env
    ? loadConfig(options.service, options.env)
    : loadConfigFromProcess(options.service);
  const logger = createRootLogger(config);

  if (register.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    collectDefaultMetrics();
  }

  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // NOTE: keep-alive connections from site servers are the norm; a long
    // timeout lets them reuse a connection between bursts.
    keepAliveTimeout: 65_000,
    routerOptions: { ignoreTrailingSlash: true },
    // NOTE: behind a load balancer the client address is in X-Forwarded-For.
    trustProxy: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      module: class AppRootModule {},
      imports: [
        ConfigModule.forRoot(config),
        // NOTE: no per-request logger middleware: it costs an AsyncLocalStorage
        // context per request on the hot path, and modules log with their own child.
        LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false }, forRoutes: [] }),
        RuntimeModule,
        options.rootModule(config),
      ],
    },
    adapter,
    { bufferLogs: true, bodyParser: options.configure === undefined },
  );
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  await options.configure?.(app, config, logger);
  await app.listen(config.http.port, config.http.host);

  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  const url = `http://${host}:${port}`;
  logger.info({ url }, `${config.service.name} listening`);

  return { app, config, logger, url, close: () => app.close() };
}
