import pino, { Logger } from 'pino';
import { AppConfig } from '@tagrelay/config';

/**
 * The process's root logger; modules take a child with their own name. Pretty
 * output is for a developer's terminal only: it costs too much under load.
 */
export function createRootLogger(config: Pick<AppConfig, 'service' | 'log'>): Logger {
  return pino({
    level: config.log.level,
    base: { service: config.service.name },
    redact: {
      // NOTE: hits carry personal data; never log these even by accident.
      paths: ['*.headers.authorization', '*.headers["x-api-key"]', '*.variables', '*.cookies'],
      censor: '[redacted]',
    },
    ...(config.log.pretty ? { transport: { target: 'pino-pretty' } } : {}),
  });
}

export type { Logger } from 'pino';
