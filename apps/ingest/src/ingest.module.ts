import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PIPELINE_TOPICS } from '@tagrelay/contracts';
import { KafkaModule } from '@tagrelay/kafka';
import { StoreModule } from '@tagrelay/store';
import { ContainerDirectory } from './containers/container-directory';
import { HitIntake } from './hits/hit-intake.service';
import { HitWriter } from './hits/hit.writer';
import { DocsController } from './http/docs.controller';
import { IngestExceptionFilter } from './http/ingest-exception.filter';
import { TagController } from './http/tag.controller';
import { WebHitsController } from './http/web-hits.controller';

/** Where hits enter: HTTP in, Kafka out, 2xx only after the broker's ack. */
@Module({
  imports: [
    KafkaModule.forRoot({ writesTo: [PIPELINE_TOPICS.serverHits, PIPELINE_TOPICS.webHits] }),
    StoreModule.forRoot(),
  ],
  // NOTE: the server-hit routes are registered on Fastify directly
  // (http/server-hit.routes.ts, from bootstrap.ts): the hot path skips Nest's
  // per-request pipeline.
  controllers: [DocsController, WebHitsController, TagController],
  providers: [
    ContainerDirectory,
    HitWriter,
    HitIntake,
    { provide: APP_FILTER, useClass: IngestExceptionFilter },
  ],
})
export class IngestModule {}
