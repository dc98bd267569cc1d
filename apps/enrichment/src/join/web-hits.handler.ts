import { Injectable } from '@nestjs/common';
import { ConsumedMessage, HandlerOutcome } from '@tagrelay/kafka';
import { WebDataRepository } from '@tagrelay/store';
import { ContainerCatalog } from '../containers/container-catalog';
import { batchSeconds } from '../enrichment.metrics';
import { countBatch, takeBatch } from '../hits/batch-intake';
import { decodeWebHit } from '../hits/hit.decoder';
import { LateRelease } from '../late/late-release.service';
import { storeCall } from '../store/store-call';
import { webDataOf } from './web-join';

/**
 * `hits.web`: merges each hit's cookies, variables and consent into the web
 * data of every key it carries (one write for the batch), then releases the
 * server hits parked on those keys as `late`.
 */
@Injectable()
export class WebHitsHandler {
  constructor(
    private readonly catalog: ContainerCatalog,
    private readonly webData: WebDataRepository,
    private readonly late: LateRelease,
  ) {}

  async handle(messages: ConsumedMessage[]): Promise<HandlerOutcome[]> {
    const stop = batchSeconds.startTimer({ kind: 'web' });
    const { outcomes, accepted } = await takeBatch(messages, decodeWebHit, this.catalog);
    const updates = accepted.flatMap(({ hit, container }) => webDataOf(hit, container));
    if (updates.length > 0) {
      await storeCall('webdata.merge', () => this.webData.merge(updates, new Date()));
    }
    // NOTE: parked hits exist only for sites with a match window: no query otherwise.
    const releasing = updates
      .filter((update) => this.catalog.hasMatchWindow(update.key.siteId))
      .map((update) => update.key);
    if (releasing.length > 0) await this.late.releaseWaitingOn(releasing);
    countBatch('web', outcomes);
    stop();
    return outcomes;
  }
}
