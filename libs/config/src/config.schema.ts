import { z } from 'zod';

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
});

export type Env = z.infer<typeof envSchema>;
