import { Counter, Histogram } from 'prom-client';

export const deliveriesTotal = new Counter({
  name: 'tagrelay_dispatcher_deliveries_total',
  help: 'Outcomes of events at destinations (delivered, retrying, failed, filtered)',
  labelNames: ['partner', 'status'],
});

export const requestsTotal = new Counter({
  name: 'tagrelay_dispatcher_requests_total',
  help: 'Partner requests by verdict (delivered, retry, rejected, gone, error)',
  labelNames: ['partner', 'verdict'],
});

export const requestSeconds = new Histogram({
  name: 'tagrelay_dispatcher_request_seconds',
  help: 'Partner request duration, each attempt',
  labelNames: ['partner'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

export const circuitOpenedTotal = new Counter({
  name: 'tagrelay_dispatcher_circuit_opened_total',
  help: 'Times a failing destination was paused (its events parked without a request)',
  labelNames: ['partner'],
});

export const batchSeconds = new Histogram({
  name: 'tagrelay_dispatcher_batch_seconds',
  help: 'Time to give every event of a consumed batch an outcome',
  labelNames: ['partner', 'source'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});
