import { z } from 'zod';
import { AppConfig, DEFAULT_PORTS, ServiceName } from './app-config';
import { envSchema } from './config.schema';

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      `Invalid configuration: ${issues.map((issue) => `${issue.variable}: ${issue.message}`).join('; ')}`,
    );
    this.name = 'ConfigError';
  }
}

export type EnvSource = Record<string, string | undefined>;

/**
 * Reads and validates the environment once. An empty string counts as unset, so
 * `FOO=` in a compose file falls back to the default instead of failing.
 */
export function loadConfig(service: ServiceName, source: EnvSource): AppConfig {
  const relevant: EnvSource = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) throw new ConfigError(toIssues(parsed.error));
  const env = parsed.data;
  return {
    service: { name: service, environment: env.NODE_ENV },
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY },
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT ?? DEFAULT_PORTS[service] },
    kafka: {
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID ?? `tagrelay-${service}`,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      topics: {
        partitions: env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
        retentionMs: env.KAFKA_RETENTION_HOURS * 3_600_000,
      },
      producer: {
        lingerMs: env.KAFKA_PRODUCER_LINGER_MS,
        maxBatchMessages: env.KAFKA_PRODUCER_MAX_BATCH,
        maxBatchBytes: env.KAFKA_PRODUCER_MAX_BATCH_BYTES,
        maxQueuedMessages: env.KAFKA_PRODUCER_MAX_QUEUED,
        ackTimeoutMs: env.KAFKA_PRODUCER_TIMEOUT_MS,
      },
      consumer: {
        maxBatchBytes: env.KAFKA_CONSUMER_MAX_BATCH_BYTES,
        sessionTimeoutMs: env.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
        retryMaxMs: env.KAFKA_CONSUMER_RETRY_MAX_MS,
      },
    },
    mongo: {
      uri: env.MONGODB_URI,
      database: env.MONGODB_DATABASE,
      ttlSweepIntervalMs: env.MONGODB_TTL_SWEEP_MS,
      configRefreshMs: env.CONFIG_REFRESH_MS,
    },
    dispatcher: {
      partner: env.DISPATCHER_PARTNER ?? null,
      maxAttempts: env.DISPATCHER_MAX_ATTEMPTS,
      backoffBaseMs: env.DISPATCHER_BACKOFF_BASE_MS,
      backoffMaxMs: env.DISPATCHER_BACKOFF_MAX_MS,
      requestTimeoutMs: env.DISPATCHER_REQUEST_TIMEOUT_MS,
      retryDelaysMs: env.DISPATCHER_RETRY_DELAYS_MS,
      concurrency: env.DISPATCHER_CONCURRENCY,
      rateLimitPerSecond: env.DISPATCHER_RATE_LIMIT,
      circuitCooldownMs: env.DISPATCHER_CIRCUIT_COOLDOWN_MS,
      partitionsConcurrently: env.DISPATCHER_PARTITIONS_CONCURRENTLY,
    },
    enrichment: {
      partitionsConcurrently: env.ENRICHMENT_PARTITIONS_CONCURRENTLY,
      pendingSweepMs: env.ENRICHMENT_PENDING_SWEEP_MS,
      claimLeaseMs: env.ENRICHMENT_CLAIM_LEASE_MS,
    },
  };
}

function toIssues(error: z.ZodError): { variable: string; message: string }[] {
  return error.issues.map((issue) => ({
    variable: String(issue.path[0] ?? '(environment)'),
    message: issue.message,
  }));
}

/** The one place that touches `process.env`. */
export function loadConfigFromProcess(service: ServiceName): AppConfig {
  // eslint-disable-next-line no-restricted-properties -- libs/config is the only reader of the environment
  return loadConfig(service, process.env);
}
