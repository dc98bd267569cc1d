export { connectMongo } from './mongo.connection';
export * from './pending';
export * from './site-config';
export { MONGO_CONNECTION, StoreModule } from './store.module';
export { ensureTtlIndex } from './ttl-index';
export type { TtlHandle, TtlMode, TtlOptions } from './ttl-index';
export * from './webdata';
