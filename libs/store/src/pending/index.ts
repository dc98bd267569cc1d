export { PendingRepository } from './pending.repository';
export type { ClaimTerms } from './pending.repository';
export type { ParkedHit } from './pending.schema';
