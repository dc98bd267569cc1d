import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { ServerHitEnvelope } from '@tagrelay/contracts';
import { ParkedHit, PendingRepository, WebDataKey } from '@tagrelay/store';
import { WebDataReader } from '../join/web-data.reader';
import { contributionFor, enrichedEvent } from '../join/web-join';
import { EnrichedEventWriter, KeyedEvent } from '../output/enriched-event.writer';
import { storeCall } from '../store/store-call';

/** Parked hits handled per store query; the rest wait for the next round. */
const RELEASE_LIMIT = 1000;

/**
 * Sends parked server hits on: as `late` when web data for one of their keys
 * arrived (a web hit releases them), as `miss` when their window passed
 * without any (the sweep). Several processes do this at once, so each hit is
 * claimed first (one claimer wins), emitted, and only then removed.
 */
@Injectable()
export class LateRelease {
  /** Unique per running service, so claims of a dead process can be told apart. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly pending: PendingRepository,
    private readonly webData: WebDataReader,
    private readonly writer: EnrichedEventWriter,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'enrichment'>,
  ) {}

  /** Releases the hits parked on these keys, which just received web data. */
  async releaseWaitingOn(keys: WebDataKey[]): Promise<number> {
    const parked = await storeCall('pending.findWaitingOn', () =>
      this.pending.findWaitingOn(keys, RELEASE_LIMIT),
    );
    return this.release(parked);
  }

  /** Emits the hits whose window has passed; returns how many, to go on while there are more. */
  async sweepDue(): Promise<{ emitted: number; more: boolean }> {
    const due = await storeCall('pending.findDue', () =>
      this.pending.findDue(new Date(), RELEASE_LIMIT),
    );
    const emitted = await this.release(due);
    // NOTE: a full page of hits claimed by others would come back unchanged.
    return { emitted, more: emitted > 0 && due.length === RELEASE_LIMIT };
  }

  private async release(parked: ParkedHit[]): Promise<number> {
    if (parked.length === 0) return 0;
    const now = new Date();
    const won = new Set(
      await storeCall('pending.claim', () =>
        this.pending.claim(
          parked.map((hit) => hit.eventId),
          { owner: this.owner, now, leaseMs: this.config.enrichment.claimLeaseMs },
        ),
      ),
    );
    const claimed = parked.filter((hit) => won.has(hit.eventId));
    if (claimed.length === 0) return 0;
    const found = await this.webData.find(claimed.flatMap((hit) => hit.keys));
    const events: KeyedEvent[] = [];
    const emitted: string[] = [];
    for (const hit of claimed) {
      const web = contributionFor(hit.keys, found);
      // NOTE: claimed but neither matched nor due (its data expired at once):
      // left parked; the sweep takes it over after the lease and the deadline.
      if (web === null && hit.deadline > now) continue;
      const envelope = JSON.parse(hit.envelope) as ServerHitEnvelope;
      events.push({
        key: hit.messageKey,
        event: enrichedEvent(envelope, web, web ? 'late' : 'miss', now),
      });
      emitted.push(hit.eventId);
    }
    // Emit first, then remove: a crash in between re-emits (a duplicate), never loses.
    await this.writer.write(events);
    await storeCall('pending.remove', () => this.pending.remove(emitted));
    return emitted.length;
  }
}
