import { Connection, Model, mongo } from 'mongoose';
import { ensureTtlIndex, TtlHandle, TtlOptions } from '../ttl-index';
import { parseWebDataId, WebDataKey, webDataId } from '../webdata';
import { duplicateIndexes } from '../webdata/duplicate-keys';
import {
  claimSchema,
  ClaimRecord,
  ParkedHit,
  parkedHitSchema,
  ParkedHitRecord,
} from './pending.schema';

export interface ClaimTerms {
  /** Who claims: unique per process. */
  owner: string;
  now: Date;
  /** After this, a claim whose hit is still parked (its owner died) is taken over. */
  leaseMs: number;
}

/**
 * Server hits waiting for late web data (DESIGN.md, `pending`). Each parked
 * hit must be emitted exactly once although several enrichment processes
 * release and sweep: a process first `claim()`s, then emits, then
 * `remove()`s. A crash between emitting and removing means a duplicate once
 * the lease has passed (at-least-once), never a loss.
 */
export class PendingRepository {
  private readonly parked: Model<ParkedHitRecord>;
  private readonly claims: Model<ClaimRecord>;

  constructor(connection: Connection) {
    this.parked = connection.model<ParkedHitRecord>('ParkedHit', parkedHitSchema);
    this.claims = connection.model<ClaimRecord>('PendingClaim', claimSchema);
  }

  async ensureIndexes(ttl: Omit<TtlOptions, 'field'>): Promise<TtlHandle[]> {
    await Promise.all([this.parked.createIndexes(), this.claims.createIndexes()]);
    return Promise.all([
      ensureTtlIndex(this.parked, { ...ttl, field: 'expiresAt' }),
      ensureTtlIndex(this.claims, { ...ttl, field: 'expiresAt' }),
    ]);
  }

  /**
   * Stores hits until their deadline; a hit already parked stays as it is.
   * `retentionMs` past the deadline the store may drop it (a backstop for a
   * pipeline that stayed down longer than Kafka keeps the hit itself).
   */
  async park(hits: ParkedHit[], retentionMs: number): Promise<number> {
    if (hits.length === 0) return 0;
    try {
      await this.parkedCollection.insertMany(
        hits.map((hit) => toRecord(hit, retentionMs)),
        { ordered: false },
      );
      return hits.length;
    } catch (error) {
      const duplicates = duplicateIndexes(error);
      if (duplicates === null) throw error;
      return hits.length - duplicates.length;
    }
  }

  /** Hits parked on any of these keys (the keys carry their site). */
  async findWaitingOn(keys: WebDataKey[], limit: number): Promise<ParkedHit[]> {
    const ids = [...new Set(keys.map(webDataId))];
    if (ids.length === 0) return [];
    const records = await this.parkedCollection
      .find({ keys: { $in: ids } })
      .limit(limit)
      .toArray();
    return records.map(fromRecord);
  }

  /** Hits of every site whose window has passed at `now` (the sweep's query). */
  async findDue(now: Date, limit: number): Promise<ParkedHit[]> {
    const records = await this.parkedCollection
      .find({ deadline: { $lte: now } })
      .limit(limit)
      .toArray();
    return records.map(fromRecord);
  }

  /**
   * Claims the right to emit these hits; returns the event ids this call won.
   * A hit whose newest claim is younger than the lease is someone else's.
   *
   * TRICKY: claims outlive the parked hit by a lease (their TTL), so a
   * process that read the hit just before it was removed still finds the
   * claim, and does not emit it a second time.
   */
  async claim(eventIds: string[], terms: ClaimTerms): Promise<string[]> {
    const ids = [...new Set(eventIds)];
    if (ids.length === 0) return [];
    const newest = new Map<string, Pick<ClaimRecord, 'generation' | 'claimedAt'>>();
    const existing = await this.claimCollection
      .find({ eventId: { $in: ids } }, { projection: { eventId: 1, generation: 1, claimedAt: 1 } })
      .toArray();
    for (const claim of existing) {
      const held = newest.get(claim.eventId);
      if (!held || claim.generation > held.generation) newest.set(claim.eventId, claim);
    }
    const now = terms.now.getTime();
    const attempts: ClaimRecord[] = [];
    for (const eventId of ids) {
      const held = newest.get(eventId);
      if (held && held.claimedAt.getTime() + terms.leaseMs > now) continue;
      const generation = (held?.generation ?? 0) + 1;
      attempts.push({
        _id: `${eventId}#${generation}`,
        eventId,
        generation,
        owner: terms.owner,
        claimedAt: terms.now,
        expiresAt: new Date(now + 2 * terms.leaseMs),
      });
    }
    if (attempts.length === 0) return [];
    try {
      await this.claimCollection.insertMany(attempts, { ordered: false });
      return attempts.map((attempt) => attempt.eventId);
    } catch (error) {
      const duplicates = duplicateIndexes(error);
      if (duplicates === null) throw error;
      const lost = new Set(duplicates);
      return attempts.filter((_, index) => !lost.has(index)).map((attempt) => attempt.eventId);
    }
  }

  /** Forgets hits that were emitted. */
  async remove(eventIds: string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    const result = await this.parkedCollection.deleteMany({ _id: { $in: eventIds } });
    return result.deletedCount;
  }

  // NOTE: the driver's collections: records are plain objects, no casting.
  private get parkedCollection(): mongo.Collection<ParkedHitRecord> {
    return this.parked.collection as unknown as mongo.Collection<ParkedHitRecord>;
  }

  private get claimCollection(): mongo.Collection<ClaimRecord> {
    return this.claims.collection as unknown as mongo.Collection<ClaimRecord>;
  }
}

function toRecord(hit: ParkedHit, retentionMs: number): ParkedHitRecord {
  return {
    _id: hit.eventId,
    siteId: hit.siteId,
    containerId: hit.containerId,
    keys: hit.keys.map(webDataId),
    messageKey: hit.messageKey,
    envelope: hit.envelope,
    parkedAt: hit.parkedAt,
    deadline: hit.deadline,
    expiresAt: new Date(hit.deadline.getTime() + retentionMs),
  };
}

function fromRecord(record: ParkedHitRecord): ParkedHit {
  return {
    eventId: record._id,
    siteId: record.siteId,
    containerId: record.containerId,
    keys: record.keys.map(parseWebDataId),
    messageKey: record.messageKey,
    envelope: record.envelope,
    parkedAt: record.parkedAt,
    deadline: record.deadline,
  };
}
