export { RefreshingSnapshot } from './refreshing-snapshot';
export { digestWriteKey, SiteConfigRepository } from './site-config.repository';
export type { ImportSummary } from './site-config.repository';
export type { ContainerRecord, DestinationRecord } from './site-config.schema';
export { ConfigurationCopy } from './configuration-copy';
