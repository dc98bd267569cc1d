import { PARTNERS } from '@tagrelay/contracts';
import { PartnerStats, RecordedRequest, SandboxPartner } from './recorded-request';

export const SANDBOX_PARTNERS: readonly SandboxPartner[] = [...PARTNERS, 'unknown'];

/**
 * NOTE: counting by event id needs every id seen; past this many per partner
 * new ids are no longer remembered (the counters go on, `distinctEvents`
 * stops growing). A demo or a test stays far below.
 */
const MAX_TRACKED_IDS = 1_000_000;

export interface ListQuery {
  partner?: SandboxPartner;
  /** Oldest first, after this sequence number (to page through everything kept). */
  after?: number;
  limit: number;
}

/**
 * Every request the sandbox received: the newest `keepPerPartner` of each
 * partner in full, and exact counters (requests, events, distinct event ids,
 * duplicates) since the start or the last `clear()`.
 */
export class RequestRecorder {
  private seq = 0;
  private readonly kept = new Map<SandboxPartner, RecordedRequest[]>();
  private readonly counters = new Map<SandboxPartner, PartnerStats>();
  private readonly seen = new Map<SandboxPartner, Map<string, number>>();

  constructor(readonly keepPerPartner: number) {
    this.clear();
  }

  record(request: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const recorded: RecordedRequest = { seq: ++this.seq, ...request };
    const kept = this.kept.get(request.partner)!;
    kept.push(recorded);
    // NOTE: trimmed in chunks, so a full buffer does not shift an array per request.
    if (kept.length > this.keepPerPartner * 1.1) {
      kept.splice(0, kept.length - this.keepPerPartner);
    }
    const stats = this.counters.get(request.partner)!;
    const seen = this.seen.get(request.partner)!;
    stats.requests++;
    stats.events += request.events;
    stats.eventsWithoutId += Math.max(0, request.events - request.eventIds.length);
    // NOTE: only accepted requests count as received: a rejected event that a
    // retry delivers later is not a duplicate.
    if (request.status >= 400) {
      stats.rejected++;
      return recorded;
    }
    for (const id of request.eventIds) {
      const count = seen.get(id);
      if (count !== undefined) {
        seen.set(id, count + 1);
        stats.duplicates++;
      } else if (seen.size < MAX_TRACKED_IDS) {
        seen.set(id, 1);
        stats.distinctEvents++;
      }
    }
    return recorded;
  }

  /** Newest first; with `after`, oldest first from there (paging). */
  list({ partner, after, limit }: ListQuery): RecordedRequest[] {
    const sources = partner ? [this.kept.get(partner)!] : [...this.kept.values()];
    if (after !== undefined) {
      return sources
        .flatMap((kept) => kept.filter((request) => request.seq > after))
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit);
    }
    return sources
      .flatMap((kept) => kept.slice(-limit))
      .sort((a, b) => b.seq - a.seq)
      .slice(0, limit);
  }

  stats(): Record<SandboxPartner, PartnerStats> {
    return Object.fromEntries(
      SANDBOX_PARTNERS.map((partner) => [partner, { ...this.counters.get(partner)! }]),
    ) as Record<SandboxPartner, PartnerStats>;
  }

  /** How often each event id reached the partner (1 = once; more = duplicates). */
  eventCounts(partner: SandboxPartner): Record<string, number> {
    return Object.fromEntries(this.seen.get(partner)!);
  }

  clear(): void {
    for (const partner of SANDBOX_PARTNERS) {
      this.kept.set(partner, []);
      this.seen.set(partner, new Map());
      this.counters.set(partner, {
        requests: 0,
        events: 0,
        distinctEvents: 0,
        duplicates: 0,
        eventsWithoutId: 0,
        rejected: 0,
      });
    }
  }
}
