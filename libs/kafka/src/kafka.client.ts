import { Kafka, logLevel, LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaConfig } from '@tagrelay/config';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go to the service's pino logger. */
export function createKafkaClient(
  config: Pick<KafkaConfig, 'brokers' | 'clientId'>,
  logger: Logger,
): Kafka {
  const log = logger.child({ module: 'kafkajs' });
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.WARN,
    // NOTE: fail a connection attempt fast; callers own the retry policy.
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[LEVELS[level] ?? 'info'](rest, message);
      },
  });
}
