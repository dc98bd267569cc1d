import { Module } from '@nestjs/common';
import { deadLetterTopic, PIPELINE_TOPICS } from '@tagrelay/contracts';
import { KafkaModule } from '@tagrelay/kafka';
import { StoreModule } from '@tagrelay/store';
import { EnrichmentConsumer } from './consumer/enrichment.consumer';
import { ContainerCatalog } from './containers/container-catalog';
import { ServerHitsHandler } from './join/server-hits.handler';
import { WebDataReader } from './join/web-data.reader';
import { WebHitsHandler } from './join/web-hits.handler';
import { LateRelease } from './late/late-release.service';
import { PendingSweeper } from './late/pending.sweeper';
import { EnrichedEventWriter } from './output/enriched-event.writer';
import { EnrichmentStoreIndexes, repositoryProviders } from './store/enrichment-store';

/** Where hits are joined: web data kept per visitor key, server hits enriched with it. */
@Module({
  imports: [
    KafkaModule.forRoot({
      writesTo: [
        PIPELINE_TOPICS.enrichedEvents,
        deadLetterTopic(PIPELINE_TOPICS.webHits),
        deadLetterTopic(PIPELINE_TOPICS.serverHits),
      ],
    }),
    StoreModule.forRoot(),
  ],
  providers: [
    ...repositoryProviders,
    EnrichmentStoreIndexes,
    ContainerCatalog,
    EnrichedEventWriter,
    WebDataReader,
    LateRelease,
    PendingSweeper,
    WebHitsHandler,
    ServerHitsHandler,
    EnrichmentConsumer,
  ],
})
export class EnrichmentModule {}
