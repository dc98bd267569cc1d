import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { messageKey } from '@tagrelay/contracts';
import { ConsumedMessage, HandlerOutcome } from '@tagrelay/kafka';
import { ParkedHit, PendingRepository } from '@tagrelay/store';
import { ContainerCatalog } from '../containers/container-catalog';
import { batchSeconds, hitsParked } from '../enrichment.metrics';
import { countBatch, takeBatch } from '../hits/batch-intake';
import { decodeServerHit } from '../hits/hit.decoder';
import { EnrichedEventWriter, KeyedEvent } from '../output/enriched-event.writer';
import { storeCall } from '../store/store-call';
import { WebDataReader } from './web-data.reader';
import { contributionFor, enrichedEvent, lookupKeys } from './web-join';

/**
 * `hits.server`: one read of the web data of every key in the batch (shared
 * with the batches of other partitions handled at the same time); each hit
 * takes the data of its first key (in the container's order) that has some,
 * and goes out `matched`, or `miss`, or is parked until web data arrives or
 * its match window passes. Returns only once the events are acknowledged by
 * Kafka and the parked hits stored, so offsets are committed after both.
 */
@Injectable()
export class ServerHitsHandler {
  constructor(
    private readonly catalog: ContainerCatalog,
    private readonly webData: WebDataReader,
    private readonly pending: PendingRepository,
    private readonly writer: EnrichedEventWriter,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'kafka'>,
  ) {}

  async handle(messages: ConsumedMessage[]): Promise<HandlerOutcome[]> {
    const stop = batchSeconds.startTimer({ kind: 'server' });
    const { outcomes, accepted } = await takeBatch(messages, decodeServerHit, this.catalog);
    const lookups = accepted.map((entry) => ({
      ...entry,
      keys: lookupKeys(entry.hit, entry.container),
    }));
    const found = await this.webData.find(lookups.flatMap((lookup) => lookup.keys));
    const now = new Date();
    const events: KeyedEvent[] = [];
    const parked: ParkedHit[] = [];
    for (const { message, hit, container, keys } of lookups) {
      const key = message.key?.toString() ?? messageKey(hit.siteId, keys[0]?.value ?? hit.eventId);
      const web = contributionFor(keys, found);
      const deadline = new Date(Date.parse(hit.receivedAt) + container.matchWindowMs);
      if (web !== null) {
        events.push({ key, event: enrichedEvent(hit, web, 'matched', now) });
      } else if (container.matchWindowMs > 0 && keys.length > 0 && deadline > now) {
        // NOTE: web data stored between the read above and this park is not
        // seen by that web hit's release; the sweep looks once more at the
        // deadline and sends the hit as `late` then.
        parked.push({
          eventId: hit.eventId,
          siteId: hit.siteId,
          containerId: hit.containerId,
          keys,
          messageKey: key,
          envelope: JSON.stringify(hit),
          parkedAt: now,
          deadline,
        });
      } else {
        events.push({ key, event: enrichedEvent(hit, null, 'miss', now) });
      }
    }
    await Promise.all([
      this.writer.write(events),
      parked.length > 0 &&
        storeCall('pending.park', () =>
          this.pending.park(parked, this.config.kafka.topics.retentionMs),
        ),
    ]);
    hitsParked.inc(parked.length);
    countBatch('server', outcomes);
    stop();
    return outcomes;
  }
}
