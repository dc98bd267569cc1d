import { Counter, Gauge, Histogram } from 'prom-client';

export const hitsConsumed = new Counter({
  name: 'tagrelay_enrichment_hits_consumed_total',
  help: 'Hits read from hits.web and hits.server, by kind',
  labelNames: ['kind'],
});

export const eventsEmitted = new Counter({
  name: 'tagrelay_enrichment_events_total',
  help: 'Enriched events acknowledged by Kafka, by result (matched, miss, late)',
  labelNames: ['result'],
});

export const hitsParked = new Counter({
  name: 'tagrelay_enrichment_hits_parked_total',
  help: 'Server hits parked to wait for late web data',
});

export const hitsDeadLettered = new Counter({
  name: 'tagrelay_enrichment_dead_lettered_total',
  help: 'Hits sent to the dead-letter topic, by kind and step (parse, container)',
  labelNames: ['kind', 'step'],
});

export const storeSeconds = new Histogram({
  name: 'tagrelay_enrichment_store_seconds',
  help: 'MongoDB calls of the enrichment, by operation',
  labelNames: ['operation'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

export const storeFailures = new Counter({
  name: 'tagrelay_enrichment_store_failures_total',
  help: 'MongoDB calls that failed (the batch is retried), by operation',
  labelNames: ['operation'],
});

export const batchSeconds = new Histogram({
  name: 'tagrelay_enrichment_batch_seconds',
  help: 'Time to handle one consumed batch, by kind',
  labelNames: ['kind'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

export const consumerLag = new Gauge({
  name: 'tagrelay_enrichment_consumer_lag',
  help: 'Messages not yet committed by the enrichment group, by topic',
  labelNames: ['topic'],
});
