export * from './delivery-record.schema';
export * from './enriched-event.schema';
export * from './envelope.schema';
export * from './errors';
export * from './site-config.schema';
export * from './topics';
