import { z } from 'zod';
import { PARTNERS } from '@tagrelay/contracts';

/**
 * Every environment variable Tagrelay reads, with its default. This is the only
 * place that names them; the rest of the code receives the typed `AppConfig`.
 */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csv = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  )
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1));
const msList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0)
      .map(Number),
  )
  .pipe(
    z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(7 * 86_400_000),
      )
      .max(50),
  );
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.default(false),

  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  /** Each service has its own default port (DESIGN.md); HTTP_PORT overrides it. */
  HTTP_PORT: int(0, 65535).optional(),

  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'only letters, digits, ".", "_" and "-"')
    .default('tagrelay.'),
  KAFKA_TOPIC_PARTITIONS: int(1, 1000).default(6),
  KAFKA_REPLICATION_FACTOR: int(1, 10).default(1),
  KAFKA_RETENTION_HOURS: int(1, 24 * 365).default(7 * 24),
  KAFKA_PRODUCER_LINGER_MS: int(0, 1000).default(2),
  KAFKA_PRODUCER_MAX_BATCH: int(1, 100_000).default(2000),
  /** Below the broker's message.max.bytes (1 MiB by default), with room for overhead. */
  KAFKA_PRODUCER_MAX_BATCH_BYTES: int(1024, 64 * 1024 * 1024).default(512 * 1024),
  KAFKA_PRODUCER_MAX_QUEUED: int(1, 10_000_000).default(50_000),
  KAFKA_PRODUCER_TIMEOUT_MS: int(100, 300_000).default(10_000),
  KAFKA_CONSUMER_MAX_BATCH_BYTES: int(1024, 256 * 1024 * 1024).default(10 * 1024 * 1024),
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS: int(3000, 600_000).default(30_000),
  KAFKA_CONSUMER_RETRY_MAX_MS: int(10, 600_000).default(30_000),

  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017'),
  MONGODB_DATABASE: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,63}$/, 'letters, digits, "_" and "-", at most 63')
    .default('tagrelay'),
  MONGODB_TTL_SWEEP_MS: int(100, 3_600_000).default(60_000),
  /** Services see configuration changes within this period (plus a load). */
  CONFIG_REFRESH_MS: int(100, 600_000).default(5000),

  /** The partner a dispatcher process serves; `dispatcher --partner <name>` wins. */
  DISPATCHER_PARTNER: z.enum(PARTNERS).optional(),
  /** Attempts of one request inside the process before it is parked. */
  DISPATCHER_MAX_ATTEMPTS: int(1, 20).default(3),
  DISPATCHER_BACKOFF_BASE_MS: int(1, 60_000).default(250),
  DISPATCHER_BACKOFF_MAX_MS: int(1, 600_000).default(10_000),
  DISPATCHER_REQUEST_TIMEOUT_MS: int(100, 300_000).default(10_000),
  /** Delay of each round in `dispatch.<partner>.retry`; after the last, the dead-letter topic. */
  DISPATCHER_RETRY_DELAYS_MS: msList.default([30_000, 120_000, 600_000, 1_800_000, 3_600_000]),
  /** Requests in flight per destination, unless the destination sets `concurrency`. */
  DISPATCHER_CONCURRENCY: int(1, 1000).default(16),
  /** Requests per second per destination (0 = no limit), unless it sets `rateLimitPerSecond`. */
  DISPATCHER_RATE_LIMIT: int(0, 100_000).default(0),
  /** How long a destination that keeps failing is skipped (its events parked) before a probe. */
  DISPATCHER_CIRCUIT_COOLDOWN_MS: int(10, 3_600_000).default(10_000),
  /** Partitions of `events.enriched` handled at the same time by one process. */
  DISPATCHER_PARTITIONS_CONCURRENTLY: int(1, 100).default(4),

  /** Partitions of `hits.web` and `hits.server` handled at the same time by one process. */
  ENRICHMENT_PARTITIONS_CONCURRENTLY: int(1, 100).default(4),
  /** How often parked server hits whose match window has passed go out as misses. */
  ENRICHMENT_PENDING_SWEEP_MS: int(50, 600_000).default(1000),
  /** After this, a parked hit claimed by a process that died is taken over by another. */
  ENRICHMENT_CLAIM_LEASE_MS: int(1000, 3_600_000).default(30_000),
});

export type Env = z.infer<typeof envSchema>;
