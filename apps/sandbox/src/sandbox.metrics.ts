import { Counter } from 'prom-client';

export const sandboxRequestsTotal = new Counter({
  name: 'tagrelay_sandbox_requests_total',
  help: 'Requests the partner sandbox received, by partner and answered status',
  labelNames: ['partner', 'status'],
});

export const sandboxEventsTotal = new Counter({
  name: 'tagrelay_sandbox_events_total',
  help: 'Events carried by the requests the partner sandbox received',
  labelNames: ['partner'],
});
