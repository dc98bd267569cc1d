export * from './envelope.schema';
export * from './errors';
export * from './topics';
