import type { Partner } from '@tagrelay/contracts';

/** The typed, nested configuration every service receives. Consumers declare the
 * slice they need, e.g. `Pick<AppConfig, 'kafka'>`, so their dependencies show. */
export interface AppConfig {
  service: {
    name: ServiceName;
    environment: 'development' | 'production' | 'test';
  };
  log: {
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    pretty: boolean;
  };
  http: {
    host: string;
    port: number;
  };
  kafka: KafkaConfig;
  mongo: MongoConfig;
  dispatcher: DispatcherConfig;
  enrichment: EnrichmentConfig;
}

export type ServiceName =
  | 'ingest'
  | 'enrichment'
  | 'dispatcher'
  | 'monitor'
  | 'replay'
  | 'admin'
  | 'sandbox'
  | 'demo-traffic';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  topics: {
    partitions: number;
    replicationFactor: number;
    retentionMs: number;
  };
  producer: {
    /** How long the first message of a micro-batch may wait for others. */
    lingerMs: number;
    /** A micro-batch is sent at once when it holds this many messages. */
    maxBatchMessages: number;
    /**
     * Bytes of message values per produce request. A larger produce() call is
     * split into several requests, sent in order.
     */
    maxBatchBytes: number;
    /** Messages waiting or in flight; beyond this `produce()` fails fast. */
    maxQueuedMessages: number;
    /** How long the broker may take to acknowledge a batch. */
    ackTimeoutMs: number;
  };
  consumer: {
    maxBatchBytes: number;
    sessionTimeoutMs: number;
    /** Upper bound of the backoff between attempts of a failing batch. */
    retryMaxMs: number;
  };
}

export interface MongoConfig {
  uri: string;
  database: string;
  /** How often the sweeper runs where the server has no TTL indexes. */
  ttlSweepIntervalMs: number;
  /** How often services reload sites, containers and destinations. */
  configRefreshMs: number;
}

export interface DispatcherConfig {
  /** DISPATCHER_PARTNER; the dispatcher's `--partner` argument wins over it. */
  partner: Partner | null;
  /** Attempts of one request inside the process before its events are parked. */
  maxAttempts: number;
  /** Exponential backoff (with jitter) between those attempts. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A partner request that takes longer is abandoned and retried. */
  requestTimeoutMs: number;
  /** Delay of each round in the retry topic; after the last, the dead-letter topic. */
  retryDelaysMs: number[];
  /** Requests in flight per destination (a destination's `concurrency` option wins). */
  concurrency: number;
  /** Requests per second per destination, 0 = none (`rateLimitPerSecond` option wins). */
  rateLimitPerSecond: number;
  /** How long a failing destination is skipped before one probe request. */
  circuitCooldownMs: number;
  /** Partitions of `events.enriched` handled at the same time by one process. */
  partitionsConcurrently: number;
}

export interface EnrichmentConfig {
  /** Partitions of `hits.web` and `hits.server` handled at the same time by one process. */
  partitionsConcurrently: number;
  /** How often parked server hits whose match window has passed are emitted as misses. */
  pendingSweepMs: number;
  /** After this, a parked hit claimed by a process that died is taken over by another. */
  claimLeaseMs: number;
}

/** Per-service defaults that the environment can override. */
export const DEFAULT_PORTS: Record<ServiceName, number> = {
  ingest: 8080,
  monitor: 8081,
  enrichment: 8082,
  dispatcher: 8083,
  replay: 0,
  admin: 0,
  /** The local partner sandbox (plays Meta, GA4, Criteo and a webhook receiver). */
  sandbox: 8099,
  'demo-traffic': 0,
};
